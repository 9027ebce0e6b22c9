// `/orders`: the signed-in shopper's orders, newest first, each a card that opens its order page; a page of them at a
// time, and a button for the next, so a shopper with years of orders does not wait for all of them.
import { catalogProduct, get, url } from '../api.js';
import { lang, money, t } from '../i18n.js';
import { requireSignIn } from '../session.js';
import { fill, h, productTile } from '../ui.js';

/** Orders a page shows at a time. */
const PAGE = 10;

export async function render(main) {
  if (!requireSignIn()) {
    fill(main, h('section', { class: 'empty' }, h('p', {}, t('signInFirst'))));
    return;
  }
  const first = await get(url`/api/me/orders?limit=${PAGE}`);
  if (first.length === 0) {
    fill(main, h('h1', { class: 'page-title' }, t('myOrders')),
      h('section', { class: 'empty' }, h('p', {}, t('noOrders')), h('a', { class: 'btn ghost', href: '/' }, t('liveCampaigns'))));
    return;
  }
  const list = h('ul', { class: 'cards', testid: 'order-list' });
  const more = h('button', { class: 'btn ghost', testid: 'more-orders' }, t('moreOrders'));
  fill(main, h('h1', { class: 'page-title' }, t('myOrders')), list, more);
  const names = new Map();
  async function show(orders) {
    await productNames(orders, names);
    list.append(...orders.map(order => h('li', {}, card(order, names.get(order.sku)))));
    // A full page may have more after it; the next one, empty, hides the button.
    more.hidden = orders.length < PAGE;
    if (orders.length > 0) more.onclick = () => next(orders.at(-1).id);
  }
  async function next(before) {
    more.disabled = true;
    try {
      await show(await get(url`/api/me/orders?limit=${PAGE}&before=${before}`));
    } catch (error) {
      console.warn('more orders failed; the button tries again', error);
    } finally {
      more.disabled = false;
    }
  }
  await show(first);
}

function card(order, productName) {
  return h('a', { class: 'card campaign', href: url`/orders/${order.id}`, testid: 'order-card' },
    productTile(productName),
    h('div', { class: 'campaign-body' },
      h('div', { class: 'campaign-head' },
        h('span', { class: `badge ${order.kind === 'flash_sale' ? 'hot' : 'team'}` }, order.kind === 'flash_sale' ? t('flashSale') : t('groupBuy')),
        h('h2', {}, productName)),
      h('div', { class: 'price-row' }, h('span', { class: 'price' }, money(order.amount)), h('span', { class: 'muted' }, `× ${order.quantity}`)),
      h('div', { class: 'meta' },
        h('span', { class: `badge status-${order.status}`, testid: 'order-status', 'data-status': order.status }, t(order.status)),
        h('span', {}, new Date(order.createdAt).toLocaleString(lang() === 'en' ? 'en-GB' : 'zh-CN', { dateStyle: 'short', timeStyle: 'short' })))));
}

/** Adds each product's name to names, read once a product however many orders name it. */
async function productNames(orders, names) {
  const skus = [...new Set(orders.map(order => order.sku))].filter(sku => !names.has(sku));
  const products = await Promise.all(skus.map(catalogProduct));
  products.forEach(product => names.set(product.sku, product.name));
}
