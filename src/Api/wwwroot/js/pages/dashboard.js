// A campaign's live dashboard: stock (sold / reserved / remaining) or teams (forming / formed / failed), and a
// chart of purchases per second over the last minute, computed here from the live pushes and drawn in SVG.
import { serverNow } from '../clock.js';
import { t } from '../i18n.js';
import { fill, h } from '../ui.js';

const SECONDS = 60;
const SVG = 'http://www.w3.org/2000/svg';

export class Dashboard {
  constructor(element, campaign) {
    this.isFlashSale = !!campaign.flashSale;
    this.topic = `${this.isFlashSale ? 'flash-sale' : 'group-buy'}:${campaign.id}`;
    this.buckets = new Map(); // server second → purchases
    this.taken = null;
    this.stats = {};
    const stat = (key, label) => {
      this.stats[key] = h('strong', { testid: `dash-${key}` }, '0');
      return h('div', { class: 'stat' }, this.stats[key], h('span', {}, label));
    };
    this.chart = document.createElementNS(SVG, 'svg');
    this.chart.setAttribute('viewBox', `0 0 ${SECONDS * 5} 80`);
    this.chart.setAttribute('class', 'chart');
    this.chart.dataset.testid = 'dash-chart';
    fill(element,
      h('div', { class: 'dashboard-head' }, h('h2', { class: 'section-title' }, t('dashboard')), h('span', { class: 'muted' }, campaign.productName)),
      h('div', { class: 'stats' }, this.isFlashSale
        ? [stat('sold', t('sold')), stat('reserved', t('reserved')), stat('remaining', t('remaining'))]
        : [stat('remaining', t('remaining')), stat('forming', t('teamsForming')), stat('succeeded', t('teamsSucceeded')), stat('failed', t('teamsFailed'))]),
      h('div', { class: 'chart-head' }, h('span', {}, t('perSecond')), this.peak = h('span', { class: 'muted', testid: 'dash-total' })),
      this.chart);
    clearInterval(Dashboard.timer);
    Dashboard.timer = setInterval(() => this.draw(), 1000);
  }

  update(snapshot) {
    const taken = this.isFlashSale ? snapshot.sold + snapshot.reserved : snapshot.quantity - snapshot.remaining;
    if (this.taken !== null && taken > this.taken) {
      const second = Math.floor(serverNow() / 1000);
      this.buckets.set(second, (this.buckets.get(second) ?? 0) + taken - this.taken);
    }
    this.taken = taken;
    this.stats.remaining.textContent = String(snapshot.remaining);
    if (this.isFlashSale) {
      this.stats.sold.textContent = String(snapshot.sold);
      this.stats.reserved.textContent = String(snapshot.reserved);
    } else {
      // The campaign counts its own teams, so the figures are whole even for teams closed before this page opened.
      for (const key of ['forming', 'succeeded', 'failed']) this.stats[key].textContent = String(snapshot.teams[key]);
    }
    this.draw();
  }

  draw() {
    if (!this.chart.isConnected) return;
    const now = Math.floor(serverNow() / 1000);
    const counts = Array.from({ length: SECONDS }, (_, i) => this.buckets.get(now - SECONDS + 1 + i) ?? 0);
    const max = Math.max(1, ...counts);
    const bars = counts.map((count, i) => {
      const height = (count / max) * 70;
      const rect = document.createElementNS(SVG, 'rect');
      rect.setAttribute('x', String(i * 5 + 0.5));
      rect.setAttribute('y', String(78 - height));
      rect.setAttribute('width', '4');
      rect.setAttribute('height', String(Math.max(height, count > 0 ? 2 : 0.6)));
      rect.setAttribute('rx', '1');
      rect.setAttribute('class', count > 0 ? 'bar-on' : 'bar-off');
      return rect;
    });
    this.chart.replaceChildren(...bars);
    const total = counts.reduce((a, b) => a + b, 0);
    this.peak.textContent = `${total} / ${SECONDS}s · max ${Math.max(...counts)}/s`;
  }
}
