// Small DOM helpers shared by the pages.
import { errorText, t } from './i18n.js';
import { formatDuration, msUntil } from './clock.js';

/** h('div', { class: 'x', onclick }, child, …): an element; strings become text, null is skipped. */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'testid') element.dataset.testid = value;
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/**
 * A status badge: it shows the status in the page's language, while the element carrying `testid` holds the
 * contract's value (`forming`, `sold_out`, …) as its text and in `data-status`, for tests and tools that read it.
 */
export function statusBadge(testid) {
  const code = h('span', { class: 'status-code', testid, 'aria-hidden': 'true' });
  const label = h('span');
  const element = h('span', { class: 'badge' }, label, code);
  return {
    element,
    show(status, text) {
      label.textContent = text;
      code.textContent = status;
      code.dataset.status = status;
      element.className = `badge status-${status}`;
    },
  };
}

/** Replaces an element's content. */
export function fill(element, ...children) {
  element.replaceChildren(...children.flat(Infinity).filter(c => c !== null && c !== undefined && c !== false));
  return element;
}

let toastTimer;
export function toast(text) {
  const box = document.getElementById('toast');
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, 2600);
}

export function toastError(error) {
  console.error('refused:', error?.status, error?.code, error?.message);
  toast(errorText(error?.code, error?.message ?? t('loadFailed')));
}

/** A button that shows it is busy while its action runs, and reports a refusal. */
export function action(button, run) {
  button.addEventListener('click', async () => {
    if (button.disabled) return;
    button.disabled = true;
    button.classList.add('busy');
    try {
      await run();
    } catch (error) {
      toastError(error);
    } finally {
      button.classList.remove('busy');
      button.disabled = button.dataset.locked === 'true';
    }
  });
  return button;
}

/** Turns a button off (and keeps it off after an action) or back on. */
export function lock(button, locked) {
  button.dataset.locked = String(locked);
  button.disabled = locked;
}

// Every element with data-deadline shows the time left to it, ticking each second on the server's clock.
const countdowns = new Set();
setInterval(() => countdowns.forEach(tick), 250);

function tick(element) {
  if (element.isConnected) {
    element.dataset.mounted = 'true';
  } else if (element.dataset.mounted) {
    countdowns.delete(element);   // its page section was replaced
    return;
  }
  const text = formatDuration(msUntil(element.dataset.deadline), t('days'));
  if (element.textContent !== text) element.textContent = text;
}

export function countdown(deadline, attrs = {}) {
  const element = h('span', { class: 'countdown', ...attrs });
  setDeadline(element, deadline);
  countdowns.add(element);
  return element;
}

export function setDeadline(element, deadline) {
  element.dataset.deadline = deadline;
  tick(element);
}

/** A progress bar, value out of max. */
export function bar(value, max, attrs = {}) {
  const element = h('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': max, ...attrs }, h('div', { class: 'bar-fill' }));
  setBar(element, value, max);
  return element;
}

export function setBar(element, value, max) {
  const percent = max > 0 ? Math.max(0, Math.min(100, (value / max) * 100)) : 0;
  element.firstChild.style.width = `${percent}%`;
  element.setAttribute('aria-valuenow', value);
}

const avatarColors = ['#f97316', '#ef4444', '#8b5cf6', '#0ea5e9', '#10b981', '#eab308', '#ec4899', '#6366f1'];

/** A round avatar with the name's first letter, coloured by the name. */
export function avatar(name, extra = '') {
  let hash = 0;
  for (const ch of name) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  const element = h('span', { class: `avatar ${extra}`, title: name }, [...name][0] ?? '?');
  // Set through the CSSOM: the Content-Security-Policy refuses inline style attributes.
  element.style.background = avatarColors[hash % avatarColors.length];
  return element;
}

/** The product image stand-in: a soft gradient tile with the product's first character. */
export function productTile(name, size = '') {
  return h('div', { class: `product-tile ${size}` }, [...(name ?? '?')][0]);
}

export function notFound() {
  return h('section', { class: 'empty' }, h('p', {}, t('notFound')), h('a', { class: 'btn ghost', href: '/' }, '← GroupBuy'));
}
