// `/merchant`: create products, launch flash sales and group buys, and watch each campaign on a live dashboard.
import { get, identity, post, url } from '../api.js';
import { serverNow, syncClock } from '../clock.js';
import { money, t } from '../i18n.js';
import { watch, unwatch } from '../live.js';
import { openSignIn } from '../session.js';
import { fill, h, toast, toastError } from '../ui.js';
import { Dashboard } from './dashboard.js';

const PRODUCTS_KEY = 'groupbuy.products';

export async function render(main) {
  const who = identity();
  if (who?.role !== 'merchant') {
    fill(main, h('section', { class: 'empty' }, h('p', {}, t('merchantOnly')),
      h('button', { type: 'button', class: 'btn primary', testid: 'merchant-sign-in', onclick: () => openSignIn('merchant') }, t('signIn'))));
    return;
  }
  const list = h('ul', { class: 'console-list', testid: 'my-campaigns' });
  const board = h('section', { class: 'card dashboard', hidden: true, testid: 'dashboard' });
  let dashboard;

  const refresh = async () => {
    const campaigns = await get('/api/merchant/campaigns');
    campaigns.forEach(c => rememberProduct(c.sku));
    if (campaigns[0]) syncClock(campaigns[0].flashSale ?? campaigns[0].groupBuy);
    fill(list, campaigns.length === 0 ? h('li', { class: 'muted center' }, t('noMyCampaigns')) : campaigns.map(row));
    return campaigns;
  };
  const row = campaign => {
    const snapshot = campaign.flashSale ?? campaign.groupBuy;
    const href = campaign.flashSale ? url`/flash-sales/${campaign.id}` : url`/group-buys/${campaign.id}`;
    return h('li', { class: 'console-row', testid: 'my-campaign' },
      h('div', {},
        h('div', {}, h('span', { class: `badge ${campaign.flashSale ? 'hot' : 'team'}` }, campaign.flashSale ? t('flashSale') : t('groupBuy')), ' ',
          h('strong', {}, campaign.productName)),
        h('div', { class: 'muted' }, `${money(snapshot.price)} · ${t(snapshot.status === 'sold_out' ? 'soldOut' : snapshot.status)}`)),
      h('div', { class: 'row' },
        h('a', { class: 'btn small ghost', href, testid: 'campaign-link' }, t('open')),
        h('button', { type: 'button', class: 'btn small primary', testid: 'dashboard-button', onclick: () => show(campaign) }, t('dashboard'))));
  };
  const show = async campaign => {
    if (dashboard) await unwatch(dashboard.topic);
    dashboard = new Dashboard(board, campaign);
    board.hidden = false;
    await watch(dashboard.topic, snapshot => dashboard.update(snapshot));
    board.scrollIntoView({ block: 'start' });
  };

  fill(main,
    h('h1', { class: 'page-title' }, t('merchantConsole')),
    board,
    h('section', { class: 'card' }, h('h2', { class: 'section-title' }, t('myCampaigns')), list),
    productForm(refresh),
    flashSaleForm(refresh, show),
    groupBuyForm(refresh, show));
  await refresh();
}

function rememberProduct(sku) {
  const known = new Set(JSON.parse(localStorage.getItem(PRODUCTS_KEY) ?? '[]'));
  known.add(sku);
  localStorage.setItem(PRODUCTS_KEY, JSON.stringify([...known]));
}

function knownProducts() {
  return JSON.parse(localStorage.getItem(PRODUCTS_KEY) ?? '[]');
}

function field(label, name, attrs = {}) {
  return h('label', {}, label, h('input', { name, required: true, testid: `field-${name}`, ...attrs }));
}

function yuanField(label, name, value) {
  return field(label, name, { type: 'number', min: 0, step: '0.01', value, inputmode: 'decimal' });
}

function skuField() {
  const listId = `skus-${Math.random().toString(36).slice(2)}`;
  return [field(t('product'), 'sku', { list: listId, value: knownProducts().at(-1) ?? '' }),
    h('datalist', { id: listId }, knownProducts().map(sku => h('option', { value: sku })))];
}

function form(title, testid, fields, submitText, submit) {
  const element = h('form', { class: 'card form', testid }, h('h2', { class: 'section-title' }, title), fields,
    h('button', { type: 'submit', class: 'btn primary block', testid: `${testid}-submit` }, submitText));
  element.addEventListener('submit', async event => {
    event.preventDefault();
    const button = element.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await submit(Object.fromEntries(new FormData(element)));
    } catch (error) {
      markInvalid(element, error.errors ?? {});
      toastError(error);
    } finally {
      button.disabled = false;
    }
  });
  return element;
}

/** The form's inputs for the API's field names, where they differ (the window is asked for as minutes from now). */
const INPUT_OF_FIELD = { startsAt: 'startsInMinutes', endsAt: 'durationMinutes' };

/** Marks each field the server refused with its message, until it is edited, and points at the first. */
function markInvalid(element, errors) {
  const inputs = Object.entries(errors)
    .map(([name, messages]) => [element.querySelector(`[name="${INPUT_OF_FIELD[name] ?? name}"]`), messages.join(' ')])
    .filter(([input]) => input);
  for (const [input, message] of inputs) {
    input.setCustomValidity(message);
    input.setAttribute('aria-invalid', 'true');
    input.addEventListener('input', () => {
      input.setCustomValidity('');
      input.removeAttribute('aria-invalid');
    }, { once: true });
  }
  inputs[0]?.[0].reportValidity();
}

const fen = yuan => Math.round(Number(yuan) * 100);

/** The campaign window as ISO times, from "starts in n minutes" and a duration, on the server's clock. */
function campaignWindow(values) {
  const startsAt = serverNow() + Number(values.startsInMinutes) * 60_000;
  return { startsAt: new Date(startsAt).toISOString(), endsAt: new Date(startsAt + Number(values.durationMinutes) * 60_000).toISOString() };
}

function windowFields() {
  return h('div', { class: 'grid2' },
    field(t('startsInMinutes'), 'startsInMinutes', { type: 'number', min: 0, value: 0 }),
    field(t('durationMinutes'), 'durationMinutes', { type: 'number', min: 1, value: 60 }));
}

function productForm(refresh) {
  return form(t('newProduct'), 'product-form', [
    h('div', { class: 'grid2' }, field(t('sku'), 'sku', { pattern: '[A-Za-z0-9_\\-]{1,64}' }), field(t('productName'), 'name', { maxlength: 200 })),
    h('div', { class: 'grid2' }, yuanField(t('productPrice'), 'price', '19.90'), field(t('stock'), 'stock', { type: 'number', min: 0, value: 100 }))],
  t('create'), async values => {
    await post('/api/products', { sku: values.sku, name: values.name, price: fen(values.price), stock: Number(values.stock) });
    rememberProduct(values.sku);
    toast(t('created'));
    await refresh();
    document.querySelectorAll('input[name=sku][list]').forEach(input => { input.value = values.sku; });
  });
}

function flashSaleForm(refresh, show) {
  return form(t('launchFlash'), 'flash-sale-form', [
    skuField(),
    h('div', { class: 'grid2' }, yuanField(t('salePrice'), 'price', '9.90'), field(t('quantityShort'), 'quantity', { type: 'number', min: 1, value: 50 })),
    field(t('limitLabel'), 'perUserLimit', { type: 'number', min: 1, value: 2 }),
    windowFields()],
  t('launch'), async values => {
    const sale = await post('/api/flash-sales', {
      sku: values.sku, price: fen(values.price), quantity: Number(values.quantity), perUserLimit: Number(values.perUserLimit), ...campaignWindow(values),
    }, { idempotent: true });
    toast(t('launched'));
    const listed = (await refresh()).find(c => c.id === sale.id);
    await show(listed ?? { id: sale.id, productName: values.sku, flashSale: sale });
  });
}

function groupBuyForm(refresh, show) {
  return form(t('launchGroup'), 'group-buy-form', [
    skuField(),
    h('div', { class: 'grid3' }, yuanField(t('groupPrice'), 'price', '12.90'), yuanField(t('leaderPrice'), 'leaderPrice', '9.90'), yuanField(t('soloPrice'), 'soloPrice', '19.90')),
    h('div', { class: 'grid3' }, field(t('teamSize'), 'teamSize', { type: 'number', min: 2, max: 100, value: 3 }),
      field(t('teamWindow'), 'teamWindowMinutes', { type: 'number', min: 1, value: 30 }),
      field(t('quantityShort'), 'quantity', { type: 'number', min: 1, value: 30 })),
    windowFields()],
  t('launch'), async values => {
    const campaign = await post('/api/group-buys', {
      sku: values.sku, price: fen(values.price), leaderPrice: fen(values.leaderPrice), soloPrice: fen(values.soloPrice),
      teamSize: Number(values.teamSize), teamWindowSeconds: Number(values.teamWindowMinutes) * 60, quantity: Number(values.quantity), ...campaignWindow(values),
    }, { idempotent: true });
    toast(t('launched'));
    const listed = (await refresh()).find(c => c.id === campaign.id);
    await show(listed ?? { id: campaign.id, productName: values.sku, groupBuy: campaign });
  });
}
