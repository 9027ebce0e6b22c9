// The sign-in sheet for a person trying it locally: mints a dev token and keeps it in localStorage.
import { identity, signIn, signOut } from './api.js';
import { t } from './i18n.js';
import { h, fill, toastError } from './ui.js';

/** The sign-in sheet: mints a dev token (POST /api/dev/tokens) and keeps it in localStorage. */
export function openSignIn(role) {
  const dialog = document.getElementById('sign-in');
  const who = identity();
  const suggested = `u${Math.floor(Math.random() * 90000 + 10000)}`;
  const form = h('form', { method: 'dialog', class: 'form', testid: 'sign-in-form' },
    h('h2', {}, t('signIn')),
    h('p', { class: 'muted' }, t('signInHint')),
    h('label', {}, t('name'), h('input', { name: 'name', required: true, maxlength: 64, value: who?.name ?? '', placeholder: '小王', testid: 'sign-in-name' })),
    h('label', {}, t('userId'), h('input', { name: 'userId', required: true, pattern: '[A-Za-z0-9_\\-]{1,64}', value: who?.userId ?? suggested, testid: 'sign-in-user' })),
    h('label', {}, t('role'), h('select', { name: 'role', testid: 'sign-in-role' },
      h('option', { value: 'shopper', selected: (role ?? who?.role) !== 'merchant' }, t('shopper')),
      h('option', { value: 'merchant', selected: (role ?? who?.role) === 'merchant' }, t('merchant')))),
    h('div', { class: 'row' },
      who ? h('button', { type: 'button', class: 'btn ghost', onclick: () => { signOut(); location.reload(); } }, t('signOut')) : null,
      h('button', { type: 'submit', class: 'btn primary', testid: 'sign-in-submit' }, t('signIn'))));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      await signIn(data.get('userId'), data.get('role'), data.get('name'));
      dialog.close();
      location.reload();
    } catch (error) {
      toastError(error);
    }
  });
  fill(dialog, form);
  dialog.addEventListener('click', event => { if (event.target === dialog) dialog.close(); });
  dialog.showModal();
}

/** Makes sure someone is signed in before an action; opens the sheet when not. */
export function requireSignIn(role = 'shopper') {
  if (identity()) return true;
  openSignIn(role);
  return false;
}

