// `/groups/{id}`: a group chat — live messages, shared deals as live cards, and sign-up chains (接龙).
import { ApiError, get, identity, post, url } from '../api.js';
import { money, t } from '../i18n.js';
import { onMessage, watch } from '../live.js';
import { requireSignIn } from '../session.js';
import { action, avatar, bar, fill, h, lock, productTile, setBar, toast } from '../ui.js';

const PAGE = 200;

export async function render(main, id) {
  if (!requireSignIn()) {
    fill(main, h('section', { class: 'empty' }, h('p', {}, t('signInFirst'))));
    return;
  }
  let group;
  try {
    group = await get(url`/api/groups/${id}`);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'not_member') throw error;
    const joinButton = h('button', { type: 'button', class: 'btn primary', testid: 'join-group-button' }, t('joinGroup'));
    action(joinButton, async () => { await post(url`/api/groups/${id}/members`); location.reload(); });
    fill(main, h('section', { class: 'empty' }, h('p', {}, t('notMember')), joinButton));
    return;
  }

  const me = identity();
  const title = h('div', { class: 'chat-title' });
  const feed = h('ol', { class: 'chat-feed', testid: 'messages' });
  const input = h('input', { class: 'chat-input', maxlength: 2000, placeholder: t('messagePlaceholder'), testid: 'message-input' });
  const send = h('button', { type: 'submit', class: 'btn primary small', testid: 'send-button' }, t('send'));
  const composer = h('form', { class: 'composer' }, input, send);
  let lastSeq = 0;
  let pushedSeq = 0;   // the newest seq a push announced: history is read until it is shown
  let catchingUp = null;

  composer.addEventListener('submit', async event => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    send.disabled = true;
    try {
      append(await post(url`/api/groups/${id}/messages`, { text }, { idempotent: true }));
      input.value = '';
    } catch (error) {
      toast(error.message);
    } finally {
      send.disabled = false;
    }
  });

  const showGroup = snapshot => fill(title, h('strong', {}, snapshot.name), h('span', { class: 'muted' }, t('members', snapshot.memberCount)));

  function append(message) {
    if (message.seq <= lastSeq) return;
    lastSeq = message.seq;
    feed.append(bubble(message, me, id));
    feed.lastElementChild.scrollIntoView({ block: 'end' });
  }

  /** Reads whatever came after the last message shown: at start, and whenever a push shows a gap. */
  function catchUp() {
    catchingUp ??= (async () => {
      for (;;) {
        const page = await get(url`/api/groups/${id}/messages?afterSeq=${lastSeq}&limit=${PAGE}`);
        page.forEach(append);
        if (page.length < PAGE && (lastSeq >= pushedSeq || page.length === 0)) break;
      }
    })().finally(() => { catchingUp = null; });
    return catchingUp;
  }

  fill(main, h('section', { class: 'chat' }, h('header', { class: 'chat-head' }, title), feed, composer));
  showGroup(group);
  onMessage(({ topic, message }) => {
    if (topic !== `group:${id}`) return;
    pushedSeq = Math.max(pushedSeq, message.seq);
    if (message.seq === lastSeq + 1 && !catchingUp) append(message);
    else if (message.seq > lastSeq) catchUp();
  });
  await watch(`group:${id}`, showGroup);
  await catchUp();
}

function bubble(message, me, groupId) {
  const mine = message.author === me?.userId;
  const content = message.chain ? chainCard(message.chain.id)
    : message.share ? shareCard(message.share, groupId)
      : h('div', { class: 'bubble-text' }, message.text);
  return h('li', { class: `message ${mine ? 'mine' : ''}`, testid: 'message', 'data-seq': message.seq },
    avatar(message.authorName ?? '?'),
    h('div', { class: 'message-body' }, h('span', { class: 'message-author' }, message.authorName), content));
}

/** A shared team, flash sale or group buy, kept live on its topic; its link carries the group it was shared in. */
function shareCard(share, groupId) {
  const groupQuery = url`?groupId=${groupId}`;
  const card = h('a', { class: 'deal-card', testid: 'deal-card' });
  const tile = h('div', {}, productTile('拼', 'small'));
  const title = h('strong', {});
  const line = h('span', { class: 'muted' });
  const progress = bar(0, 1);
  const price = h('span', { class: 'price' });
  const wasPrice = h('span', { class: 'strike', testid: 'list-price', hidden: true });
  let productName = '';
  let label = '';
  let listPrice = null;   // the product's own price, struck through beside a flash sale's
  let latest = share.snapshot;
  const showTitle = () => { title.textContent = productName ? `${label} · ${productName}` : label; };
  const showWasPrice = was => {
    wasPrice.hidden = !(was > latest?.price);
    wasPrice.textContent = wasPrice.hidden ? '' : money(was);
  };
  fill(card, tile, h('div', { class: 'deal-body' }, title, h('div', { class: 'price-row' }, price, wasPrice), progress, line));
  const show = snapshot => {
    latest = snapshot;
    if (share.kind === 'team') {
      card.href = url`/teams/${share.id}` + groupQuery;
      label = t('groupBuy');
      line.textContent = snapshot.status === 'forming' ? t('moreToJoin', snapshot.needed) : t(snapshot.status);
      setBar(progress, snapshot.joined, snapshot.size);
    } else if (share.kind === 'flash_sale') {
      card.href = url`/flash-sales/${share.id}` + groupQuery;
      label = t('flashSale');
      price.textContent = money(snapshot.price);
      showWasPrice(listPrice);
      line.textContent = snapshot.status === 'sold_out' ? t('soldOut') : t('left', snapshot.remaining);
      setBar(progress, snapshot.quantity - snapshot.remaining, snapshot.quantity);
    } else {
      card.href = url`/group-buys/${share.id}` + groupQuery;
      label = t('teamOf', snapshot.teamSize);
      price.textContent = money(snapshot.price);
      showWasPrice(snapshot.soloPrice);
      line.textContent = snapshot.openTeams?.length ? t('moreToJoin', snapshot.openTeams[0].needed) : t('noOpenTeams');
      setBar(progress, snapshot.quantity - snapshot.remaining, snapshot.quantity);
    }
    showTitle();
  };
  if (share.snapshot) show(share.snapshot);
  watch(share.topic, show).catch(() => {});
  productOf(share).then(product => {
    productName = product.name;
    fill(tile, productTile(product.name, 'small'));
    showTitle();
    if (share.kind === 'flash_sale') {
      listPrice = product.price;
      showWasPrice(listPrice);
    }
  }).catch(() => {});
  return card;
}

/** The shared campaign's product (`{ sku, name, price }`); a team's snapshot has no sku: its campaign has. */
async function productOf(share) {
  const sku = share.kind === 'team' ? (await get(url`/api/group-buys/${share.snapshot.groupBuyId}`)).sku : share.snapshot.sku;
  return get(url`/api/catalog/${sku}`);
}

/** A sign-up chain: the list of entries, live, and a button to add oneself. */
function chainCard(chainId) {
  const card = h('div', { class: 'chain-card', testid: 'chain-card' });
  const join = h('button', { type: 'button', class: 'btn primary small', testid: 'chain-join-button' }, t('chainJoin'));
  action(join, async () => {
    const { order } = await post(url`/api/chains/${chainId}/entries`, { quantity: 1 }, { idempotent: true });
    toast(t('orderPlaced'));
    location.href = url`/orders/${order.id}`;
  });
  const show = chain => {
    fill(card,
      h('div', { class: 'chain-head' }, h('span', { class: 'badge hot' }, t('chain')), h('strong', {}, chain.title)),
      h('div', { class: 'muted' }, `${money(chain.price)} · ${t('pickup')} ${chain.pickup.place}`),
      chain.note ? h('p', {}, chain.note) : null,
      h('ol', { class: 'chain-entries' }, chain.entries.map(e => h('li', {}, `${e.no}. ${e.name} ×${e.quantity}`))),
      h('div', { class: 'chain-foot' }, h('span', { class: 'muted', testid: 'chain-count' }, t('entries', chain.totals.entries)),
        h('span', {}, `${t('total')} ${money(chain.totals.amount)}`), join));
    lock(join, chain.status !== 'open');
  };
  watch(`chain:${chainId}`, show).catch(() => get(url`/api/chains/${chainId}`).then(show).catch(() => {}));
  return card;
}
