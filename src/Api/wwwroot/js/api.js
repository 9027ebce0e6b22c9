// The HTTP API: JSON in and out, the bearer token from localStorage, problem details turned into ApiError.
// Every snapshot read keeps the page's clock in step with the server's (its serverTime).
import { syncClock } from './clock.js';

export const TOKEN_KEY = 'groupbuy.token';
const IDENTITY_KEY = 'groupbuy.identity';

export class ApiError extends Error {
  constructor(status, code, detail, errors) {
    super(detail || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
    /** For a validation refusal: each wrong field and its messages. */
    this.errors = errors ?? {};
  }
}

export function token() {
  return localStorage.getItem(TOKEN_KEY);
}

/** Who signed in on this browser ({ userId, role, name }), as the sign-in form recorded it. */
export function identity() {
  try {
    return token() ? JSON.parse(localStorage.getItem(IDENTITY_KEY) ?? 'null') : null;
  } catch {
    return null;
  }
}

export async function signIn(userId, role, name) {
  const { token: minted } = await request('POST', '/api/dev/tokens', { userId, role, name });
  localStorage.setItem(TOKEN_KEY, minted);
  localStorage.setItem(IDENTITY_KEY, JSON.stringify({ userId, role, name }));
}

export function signOut() {
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(IDENTITY_KEY);
}

export async function request(method, path, body, { idempotent = false } = {}) {
  const headers = { Accept: 'application/json' };
  const bearer = token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  // A retried tap must not buy twice: writes that create orders carry a fresh key per tap.
  if (idempotent) headers['Idempotency-Key'] = crypto.randomUUID();
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new ApiError(response.status, data?.code, data?.detail ?? data?.title, data?.errors);
  syncClock(data);
  return data;
}

/**
 * A URL from a template whose every interpolated value is percent-encoded (encodeURIComponent), so an id, from the
 * address bar or from an answer, stays one path segment or one query value: never a '/', '?', '#' or '&' of its own.
 * Encoding leaves '.' and '..' as they are, and in a path the browser resolves them to another route, so such a
 * value there is refused (an Error) rather than requested. url`/api/groups/${id}/messages?afterSeq=${seq}`
 */
export function url(strings, ...values) {
  return strings.reduce((built, text, i) => {
    const value = encodeURIComponent(String(values[i - 1]));
    if ((value === '.' || value === '..') && !built.includes('?')) throw new Error(`not an id: '${value}'`);
    return built + value + text;
  });
}

export const get = path => request('GET', path);

/** A product as anyone may see it (`{ sku, name, price }`); one that cannot be read stands as its sku. */
export const catalogProduct = sku => get(url`/api/catalog/${sku}`).catch(() => ({ sku, name: sku }));
export const post = (path, body, options) => request('POST', path, body ?? {}, options);
