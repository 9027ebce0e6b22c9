// `/orders`: the signed-in shopper's orders, newest first, each a card that opens its order page.
import { catalogProduct, get, url } from '../api.js';
import { lang, money, t } from '../i18n.js';
import { requireSignIn } from '../session.js';
import { fill, h, productTile } from '../ui.js';

export async function render(main) {
  if (!requireSignIn()) {
    fill(main, h('section', { class: 'empty' }, h('p', {}, t('signInFirst'))));
    return;
  }
  const orders = await get('/api/me/orders');
  const names = await productNames(orders);
  fill(main,
    h('h1', { class: 'page-title' }, t('myOrders')),
    orders.length === 0
      ? h('section', { class: 'empty' }, h('p', {}, t('noOrders')), h('a', { class: 'btn ghost', href: '/' }, t('liveCampaigns')))
      : h('ul', { class: 'cards', testid: 'order-list' }, orders.map(order => h('li', {}, card(order, names.get(order.sku))))));
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

/** Each product's name, read once a product however many orders name it. */
async function productNames(orders) {
  const skus = [...new Set(orders.map(order => order.sku))];
  const products = await Promise.all(skus.map(catalogProduct));
  return new Map(products.map(product => [product.sku, product.name]));
}
