// The page shell: picks the page by path, and runs the header (sign-in and the language switch). A page's id must
// have the shape the server mints (32 hex digits; an order's fs|gb.{hex}.{n}), and so must the group a link was shared
// in (?groupId=, 32 hex digits): any other address is not found, so a crafted link never reaches a page that builds
// API URLs or requests from it. Pages take both from here and never read the address themselves.
import { identity } from './api.js';
import { lang, setLang, t } from './i18n.js';
import { h, fill, notFound } from './ui.js';
import { openSignIn } from './session.js';
import { onConnectionStatus } from './live.js';

const HEX_ID = /^[0-9a-f]{32}$/;

const routes = [
  [/^\/$/, () => import('./pages/home.js')],
  [/^\/group-buys\/([0-9a-f]{32})$/, () => import('./pages/group-buy.js')],
  [/^\/teams\/([0-9a-f]{32})$/, () => import('./pages/team.js')],
  [/^\/flash-sales\/([0-9a-f]{32})$/, () => import('./pages/flash-sale.js')],
  [/^\/orders$/, () => import('./pages/orders.js')],
  [/^\/orders\/((?:fs|gb)\.[0-9a-f]{32}\.[1-9][0-9]{0,18})$/, () => import('./pages/order.js')],
  [/^\/groups\/([0-9a-f]{32})$/, () => import('./pages/group.js')],
  [/^\/merchant$/, () => import('./pages/merchant.js')],
];

function header() {
  setLang(lang());
  const switcher = document.getElementById('lang-switch');
  switcher.textContent = lang() === 'en' ? '中文' : 'EN';
  switcher.onclick = () => {
    setLang(lang() === 'en' ? 'zh' : 'en');
    location.reload();
  };
  const who = identity();
  const button = document.getElementById('sign-in-button');
  button.textContent = who ? t('signedInAs', who.name) : t('signIn');
  button.title = who?.name ?? '';   // the whole name, where the chip cuts it short
  button.classList.toggle('signed-in', !!who);
  button.onclick = () => openSignIn();
  // Where a signed-in person's own things are: a shopper's orders, a merchant's console.
  const mine = document.getElementById('mine-link');
  mine.href = who?.role === 'merchant' ? '/merchant' : '/orders';
  mine.hidden = !who || location.pathname === mine.pathname;   // not on the page it leads to
  mine.textContent = who?.role === 'merchant' ? t('merchantConsole') : t('myOrders');
}

async function route() {
  header();
  const main = document.getElementById('page');
  onConnectionStatus(status => document.body.classList.toggle('offline', status === 'reconnecting'));
  const groupId = new URLSearchParams(location.search).get('groupId');
  const wellFormed = groupId === null || HEX_ID.test(groupId);
  for (const [pattern, load] of routes) {
    const match = wellFormed && location.pathname.match(pattern);
    if (match) {
      try {
        const page = await load();
        await page.render(main, decodeURIComponent(match[1] ?? ''), { groupId });
      } catch (error) {
        console.error(error);
        fill(main, error?.code === 'not_found' ? notFound() : h('section', { class: 'empty' }, h('p', {}, t('loadFailed'))));
      }
      return;
    }
  }
  fill(main, notFound());
}

route();
