// `/teams/{id}`: the seats (members as avatars, empty seats drawn), live "n more to join", the countdown on the
// server's clock, the join button, a share link, and the success and failure states.
import { catalogProduct, get, post, url } from '../api.js';
import { money, t } from '../i18n.js';
import { watch } from '../live.js';
import { requireSignIn } from '../session.js';
import { action, avatar, countdown, fill, h, lock, productTile, setDeadline, statusBadge, toast } from '../ui.js';

const SEATS_KEY = 'groupbuy.seats';

/** Teams this browser holds a seat in (team id → order id), so the page can say "you are in". */
export function rememberSeat(teamId, orderId) {
  const seats = JSON.parse(localStorage.getItem(SEATS_KEY) ?? '{}');
  seats[teamId] = orderId;
  localStorage.setItem(SEATS_KEY, JSON.stringify(seats));
}

function seatOrder(teamId) {
  return JSON.parse(localStorage.getItem(SEATS_KEY) ?? '{}')[teamId];
}

export async function render(main, id, { groupId }) {
  const team = await get(url`/api/teams/${id}`);
  const campaign = await get(url`/api/group-buys/${team.groupBuyId}`);
  const product = await catalogProduct(campaign.sku);

  const status = statusBadge('team-status');
  const needed = h('strong', { class: 'needed', testid: 'team-needed' });
  const headline = h('div', { class: 'team-headline' });
  const note = h('p', { class: 'team-note' });
  const seats = h('div', { class: 'seats', testid: 'team-seats' });
  const clock = countdown(team.expiresAt, { testid: 'team-countdown' });
  const clockRow = h('div', { class: 'countdown-row center' }, h('span', { class: 'countdown-label' }, t('teamExpiresIn')), clock);
  const join = h('button', { type: 'button', class: 'btn primary block big', testid: 'join-button' });
  const orderLink = h('a', { class: 'btn ghost block', testid: 'order-link', hidden: true }, t('viewOrder'));
  const share = h('button', { type: 'button', class: 'btn secondary block', testid: 'share-button' }, t('share'));

  action(join, async () => {
    if (!requireSignIn()) return;
    const result = await post(url`/api/teams/${id}/members`, groupId ? { groupId } : {}, { idempotent: true });
    rememberSeat(id, result.order.id);
    show(result.team);
  });
  share.addEventListener('click', async () => {
    const link = location.origin + url`/teams/${id}`;
    const text = `${product.name} ${money(campaign.price)}`;
    if (navigator.share) {
      await navigator.share({ title: text, url: link }).catch(() => {});
    } else {
      await navigator.clipboard?.writeText(link).catch(() => {});
      toast(t('copied'));
    }
  });

  fill(main,
    h('a', { class: 'card product-strip', href: url`/group-buys/${team.groupBuyId}` },
      productTile(product.name, 'small'),
      h('div', {}, h('div', { class: 'product-name small' }, product.name),
        h('div', { class: 'price-row' }, h('span', { class: 'price' }, money(campaign.price)), h('span', { class: 'strike' }, money(campaign.soloPrice))))),
    h('section', { class: 'card team-card' }, h('div', { class: 'team-top' }, h('span', { class: 'muted' }, t('teamOf', team.size)), status.element),
      headline, seats, clockRow, note),
    h('div', { class: 'action-bar stack' }, join, orderLink, share));

  function show(snapshot) {
    status.show(snapshot.status, t(snapshot.status));
    needed.textContent = String(snapshot.needed);
    const forming = snapshot.status === 'forming';
    if (forming && snapshot.needed > 0) {
      const [before, after] = t('moreToJoin', '\u0000').split('\u0000');
      fill(headline, before, needed, after);
    } else if (forming) {
      fill(headline, t('waitingForPayment'), h('span', { hidden: true }, needed));
    } else {
      fill(headline, h('span', { class: snapshot.status === 'succeeded' ? 'success' : 'failure' }, snapshot.status === 'succeeded' ? '✓ ' : '✕ ', t(snapshot.status)));
      headline.append(h('span', { hidden: true }, needed));
    }
    note.textContent = snapshot.status === 'succeeded' ? t('teamSucceededNote') : snapshot.status === 'failed' ? t('teamFailedNote') : '';
    fill(seats, Array.from({ length: snapshot.size }, (_, seat) => {
      const member = snapshot.members[seat];
      return member
        ? h('div', { class: `seat ${member.paid ? 'paid' : ''}`, testid: 'seat-member' }, avatar(member.name, seat === 0 ? 'leader' : ''),
          seat === 0 ? h('span', { class: 'leader-tag' }, t('leader')) : null, h('span', { class: 'seat-name' }, member.name))
        : h('div', { class: `seat ${forming ? '' : 'closed'}`, testid: 'seat-empty' }, h('span', { class: 'seat-empty' }, forming ? '?' : ''),
          h('span', { class: 'seat-name muted' }, forming ? t('seatEmpty') : '\u00a0'));
    }));
    setDeadline(clock, snapshot.expiresAt);
    clockRow.hidden = !forming;
    share.hidden = !forming;
    const mine = seatOrder(id);
    orderLink.hidden = !mine;
    if (mine) orderLink.href = url`/orders/${mine}`;
    join.textContent = mine && forming ? t('joinedAlready') : forming ? `${t('join')} · ${money(campaign.price)}` : t(snapshot.status);
    lock(join, !forming || snapshot.needed === 0 || !!mine);
  }
  show(team);
  await watch(`team:${id}`, show);
}
