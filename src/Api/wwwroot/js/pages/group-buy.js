// `/group-buys/{id}`: the product and its prices, the forming teams nearest completion (live), open and quick-join.
import { catalogProduct, get, post, url } from '../api.js';
import { money, t } from '../i18n.js';
import { watch } from '../live.js';
import { requireSignIn } from '../session.js';
import { rememberSeat } from './team.js';
import { action, avatar, countdown, fill, h, lock, productTile, setDeadline } from '../ui.js';

export async function render(main, id, { groupId }) {
  const campaign = await get(url`/api/group-buys/${id}`);
  const product = await catalogProduct(campaign.sku);
  const query = groupId ? url`?groupId=${groupId}` : '';
  const body = groupId ? { groupId } : {};

  const teams = h('ul', { class: 'team-list', testid: 'open-teams' });
  const clockLabel = h('span', { class: 'countdown-label' });
  const clock = countdown(campaign.endsAt);
  const remaining = h('span', { class: 'muted' });
  const open = h('button', { type: 'button', class: 'btn secondary', testid: 'open-team-button' },
    h('small', {}, money(campaign.leaderPrice)), t('openTeam'));
  const quick = h('button', { type: 'button', class: 'btn primary', testid: 'quick-join-button' },
    h('small', {}, money(campaign.price)), t('quickJoin'));

  const go = join => {
    rememberSeat(join.team.id, join.order.id);
    location.href = url`/teams/${join.team.id}` + query;
  };
  action(open, async () => { if (requireSignIn()) go(await post(url`/api/group-buys/${id}/teams`, body, { idempotent: true })); });
  action(quick, async () => { if (requireSignIn()) go(await post(url`/api/group-buys/${id}/quick-join`, body, { idempotent: true })); });

  fill(main,
    h('section', { class: 'hero' }, productTile(product.name, 'large'), h('div', { class: 'hero-flag team' }, t('teamOf', campaign.teamSize))),
    h('section', { class: 'card' },
      h('div', { class: 'price-row big' },
        h('span', { class: 'price-label' }, t('groupPrice')), h('span', { class: 'price' }, money(campaign.price)),
        h('span', { class: 'strike' }, money(campaign.soloPrice))),
      h('h1', { class: 'product-name' }, product.name),
      h('dl', { class: 'price-table' },
        h('div', {}, h('dt', {}, t('leaderPrice')), h('dd', {}, money(campaign.leaderPrice))),
        h('div', {}, h('dt', {}, t('groupPrice')), h('dd', {}, money(campaign.price))),
        h('div', {}, h('dt', {}, t('soloPrice')), h('dd', {}, money(campaign.soloPrice)))),
      h('div', { class: 'countdown-row' }, clockLabel, clock, remaining)),
    h('section', { class: 'card' }, h('h2', { class: 'section-title' }, t('openTeams')), teams),
    h('div', { class: 'action-bar two' }, open, quick));

  const show = snapshot => {
    const scheduled = snapshot.status === 'scheduled';
    clockLabel.textContent = scheduled ? t('startsIn') : snapshot.status === 'ended' ? t('ended') : t('endsIn');
    setDeadline(clock, scheduled ? snapshot.startsAt : snapshot.endsAt);
    clock.hidden = snapshot.status === 'ended';
    remaining.textContent = snapshot.status === 'sold_out' ? t('soldOut') : t('left', snapshot.remaining);
    lock(open, snapshot.status !== 'live');
    lock(quick, snapshot.status !== 'live');
    fill(teams, snapshot.openTeams.length === 0
      ? h('li', { class: 'muted center' }, t('noOpenTeams'))
      : snapshot.openTeams.slice(0, 10).map(team => h('li', { class: 'team-row', testid: 'open-team' },
        h('div', { class: 'seats-mini' }, avatar(t('leader')), h('span', { class: 'seat-empty small' }, '+')),
        h('div', { class: 'team-row-body' },
          h('strong', {}, t('moreToJoin', team.needed)),
          h('span', { class: 'muted' }, t('teamExpiresIn'), ' ', countdown(team.expiresAt))),
        h('a', { class: 'btn small primary', href: url`/teams/${team.id}` + query }, t('join')))));
  };
  show(campaign);
  await watch(`group-buy:${id}`, show);
}
