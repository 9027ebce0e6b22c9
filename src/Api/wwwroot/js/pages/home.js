// `/`: the live campaigns, each a card that opens its page.
import { get, url } from '../api.js';
import { syncClock } from '../clock.js';
import { money, t } from '../i18n.js';
import { bar, countdown, fill, h, productTile } from '../ui.js';

export async function render(main) {
  const campaigns = await get('/api/campaigns');
  const first = campaigns[0];
  if (first) syncClock(first.flashSale ?? first.groupBuy);
  fill(main,
    h('h1', { class: 'page-title' }, t('liveCampaigns')),
    campaigns.length === 0
      ? h('section', { class: 'empty' }, h('p', {}, t('noCampaigns')))
      : h('ul', { class: 'cards', testid: 'campaign-list' }, campaigns.map(card)));
}

function card(campaign) {
  return h('li', {}, campaign.flashSale ? flashSaleCard(campaign) : groupBuyCard(campaign));
}

function flashSaleCard({ id, productName, productPrice, flashSale: sale }) {
  const scheduled = sale.status === 'scheduled';
  return h('a', { class: 'card campaign', href: url`/flash-sales/${id}`, testid: 'campaign-card' },
    productTile(productName),
    h('div', { class: 'campaign-body' },
      h('div', { class: 'campaign-head' }, h('span', { class: 'badge hot' }, t('flashSale')), h('h2', {}, productName)),
      h('div', { class: 'price-row' },
        h('span', { class: 'price' }, money(sale.price)),
        productPrice > sale.price ? h('span', { class: 'strike', testid: 'list-price' }, money(productPrice)) : null),
      bar(sale.quantity - sale.remaining, sale.quantity),
      h('div', { class: 'meta' },
        h('span', {}, sale.status === 'sold_out' ? t('soldOut') : t('left', sale.remaining)),
        h('span', {}, scheduled ? t('startsIn') : t('endsIn'), ' ', countdown(scheduled ? sale.startsAt : sale.endsAt)))));
}

function groupBuyCard({ id, productName, groupBuy: campaign }) {
  return h('a', { class: 'card campaign', href: url`/group-buys/${id}`, testid: 'campaign-card' },
    productTile(productName),
    h('div', { class: 'campaign-body' },
      h('div', { class: 'campaign-head' }, h('span', { class: 'badge team' }, t('teamOf', campaign.teamSize)), h('h2', {}, productName)),
      h('div', { class: 'price-row' },
        h('span', { class: 'price' }, money(campaign.price)),
        h('span', { class: 'strike' }, money(campaign.soloPrice))),
      h('div', { class: 'meta' },
        h('span', {}, campaign.openTeams.length > 0 ? t('moreToJoin', campaign.openTeams[0].needed) : t('noOpenTeams')),
        h('span', {}, t('endsIn'), ' ', countdown(campaign.endsAt)))));
}
