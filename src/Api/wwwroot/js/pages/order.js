// `/orders/{id}`: the shopper's order, the pay button and the pay-by countdown.
import { catalogProduct, get, post, url } from '../api.js';
import { money, t } from '../i18n.js';
import { watch } from '../live.js';
import { requireSignIn } from '../session.js';
import { action, countdown, fill, h, lock, productTile, setDeadline, toast } from '../ui.js';

export async function render(main, id) {
  if (!requireSignIn()) {
    fill(main, h('section', { class: 'empty' }, h('p', {}, t('signInFirst'))));
    return;
  }
  const order = await get(url`/api/orders/${id}`);
  const product = await catalogProduct(order.sku);
  // An order has no serverTime of its own; its sale's or team's snapshot sets the clock the pay-by countdown runs on.
  await get(order.kind === 'flash_sale' ? url`/api/flash-sales/${order.refId}` : url`/api/teams/${order.refId}`).catch(() => null);

  const status = h('span', { class: 'badge', testid: 'order-status' });
  const clock = countdown(order.payBy, { testid: 'pay-countdown' });
  const clockRow = h('div', { class: 'countdown-row center' }, h('span', { class: 'countdown-label' }, t('payBy')), clock);
  const pay = h('button', { type: 'button', class: 'btn primary block big', testid: 'pay-button' });
  const back = order.kind === 'flash_sale' ? url`/flash-sales/${order.refId}` : url`/teams/${order.refId}`;

  action(pay, async () => {
    show(await post(url`/api/orders/${id}/pay`));
    toast(t('paid'));
  });

  fill(main,
    h('h1', { class: 'page-title' }, t('order')),
    h('a', { class: 'card product-strip', href: back },
      productTile(product.name, 'small'),
      h('div', {}, h('div', { class: 'product-name small' }, product.name),
        h('div', { class: 'muted' }, order.kind === 'flash_sale' ? t('flashSale') : t('groupBuy')))),
    h('section', { class: 'card' },
      h('dl', { class: 'price-table rows' },
        h('div', {}, h('dt', {}, t('quantity')), h('dd', {}, `× ${order.quantity}`)),
        h('div', {}, h('dt', {}, t('amount')), h('dd', { class: 'price', testid: 'order-amount' }, money(order.amount))),
        h('div', {}, h('dt', {}, t('order')), h('dd', {}, status))),
      clockRow),
    h('div', { class: 'action-bar' }, pay));

  function show(current) {
    status.textContent = t(current.status);
    status.dataset.status = current.status;
    status.className = `badge status-${current.status}`;
    setDeadline(clock, current.payBy);
    clockRow.hidden = current.status !== 'pending_payment';
    pay.textContent = current.status === 'pending_payment' ? `${t('payNow')} ${money(current.amount)}` : t(current.status);
    lock(pay, current.status !== 'pending_payment');
  }
  show(order);
  if (order.kind === 'group_buy') {
    // A team's success confirms its orders; follow the team and read the order again when it changes.
    await watch(`team:${order.refId}`, async () => show(await get(url`/api/orders/${id}`)));
  }
}
