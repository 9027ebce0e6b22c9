// `/flash-sales/{id}`: the live remaining stock, the countdown to the start and then the end, and the buy button.
import { catalogProduct, get, post, url } from '../api.js';
import { money, t } from '../i18n.js';
import { watch } from '../live.js';
import { requireSignIn } from '../session.js';
import { action, bar, countdown, h, fill, lock, productTile, setBar, setDeadline, statusBadge } from '../ui.js';

export async function render(main, id, { groupId }) {
  const sale = await get(url`/api/flash-sales/${id}`);
  const product = await catalogProduct(sale.sku);

  const status = statusBadge('sale-status');
  const remaining = h('strong', { testid: 'sale-remaining' });
  const stockBar = bar(0, sale.quantity, { testid: 'sale-bar' });
  const clockLabel = h('span', { class: 'countdown-label' });
  const clock = countdown(sale.endsAt, { testid: 'sale-countdown' });
  const soldLine = h('span', { class: 'muted' });
  const buy = h('button', { type: 'button', class: 'btn primary block big', testid: 'buy-button' });

  action(buy, async () => {
    if (!requireSignIn()) return;
    const order = await post(url`/api/flash-sales/${id}/purchases`, { quantity: 1, ...(groupId ? { groupId } : {}) }, { idempotent: true });
    location.href = url`/orders/${order.id}`;
  });

  fill(main,
    h('section', { class: 'hero' }, productTile(product.name, 'large'), h('div', { class: 'hero-flag' }, t('flashSale'))),
    h('section', { class: 'card' },
      h('div', { class: 'price-row big' },
        h('span', { class: 'price' }, money(sale.price)),
        product.price > sale.price ? h('span', { class: 'strike' }, money(product.price)) : null,
        status.element),
      h('h1', { class: 'product-name' }, product.name),
      h('p', { class: 'muted' }, t('perUserLimit', sale.perUserLimit))),
    h('section', { class: 'card' },
      h('div', { class: 'stock-line' }, h('span', {}, t('remaining'), ' ', remaining, ` / ${sale.quantity}`), soldLine),
      stockBar,
      h('div', { class: 'countdown-row' }, clockLabel, clock)),
    h('div', { class: 'action-bar' }, buy));

  const show = snapshot => {
    status.show(snapshot.status, t(statusKey(snapshot.status)));
    remaining.textContent = String(snapshot.remaining);
    soldLine.textContent = `${t('claimed')} ${snapshot.quantity - snapshot.remaining}`;
    setBar(stockBar, snapshot.quantity - snapshot.remaining, snapshot.quantity);
    const scheduled = snapshot.status === 'scheduled';
    clockLabel.textContent = scheduled ? t('startsIn') : snapshot.status === 'ended' ? t('ended') : t('endsIn');
    setDeadline(clock, scheduled ? snapshot.startsAt : snapshot.endsAt);
    clock.hidden = snapshot.status === 'ended';
    buy.textContent = { live: t('buy'), scheduled: t('notStarted'), sold_out: t('soldOut'), ended: t('ended') }[snapshot.status];
    lock(buy, snapshot.status !== 'live');
  };
  show(sale);
  await watch(`flash-sale:${id}`, show);
}

function statusKey(status) {
  return { live: 'live', scheduled: 'scheduled', sold_out: 'soldOut', ended: 'ended' }[status] ?? status;
}
