// Live progress over the SignalR hub (@microsoft/signalr, loaded as window.signalR). One connection per page;
// watch(topic, onSnapshot) answers the current snapshot and then every newer push; after a reconnect every
// topic is watched again, so the page never keeps a stale value, and a watch the hub could not take (busy, or cut
// short) is tried again rather than failing the page.
import { token } from './api.js';
import { syncClock } from './clock.js';

let connection;
let starting;
const watchers = new Map(); // topic → { version, handlers: Set }
const messageHandlers = new Set();
const statusHandlers = new Set();

function connect() {
  if (starting) return starting;
  connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/live', { accessTokenFactory: () => token() ?? '', transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true })
    .withAutomaticReconnect([0, 1000, 2000, 5000, 10000, 10000, 30000])
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  connection.on('progress', ({ topic, version, data }) => {
    const watch = watchers.get(topic);
    // Each push carries the whole snapshot, so a skipped version loses nothing: the newest wins.
    if (!watch || version <= watch.version) return;
    deliver(topic, version, data);
  });
  connection.on('message', payload => messageHandlers.forEach(handler => handler(payload)));
  connection.onreconnecting(() => statusHandlers.forEach(handler => handler('reconnecting')));
  connection.onreconnected(() => {
    statusHandlers.forEach(handler => handler('connected'));
    [...watchers.keys()].forEach(resubscribe);
  });
  starting = connection.start();
  return starting;
}

function deliver(topic, version, data) {
  const watch = watchers.get(topic);
  if (!watch) return;
  watch.version = version;
  syncClock(data);
  watch.handlers.forEach(handler => handler(data));
}

const RETRY_DELAYS = [1000, 2000, 5000, 10000, 30000];

/** A hub refusal that waiting will not change (the hub's message starts with the contract's code). */
function isRefusal(error) {
  return /\b(not_found|forbidden|validation|unauthorized): /.test(error?.message ?? '');
}

/**
 * Watches a topic again (after a reconnect, or after the hub could not take its watch) and delivers the snapshot unless
 * a newer push came first; when the hub is busy or the call is cut short, tries again after a growing pause.
 */
async function resubscribe(topic, attempt = 0) {
  if (!watchers.has(topic)) return;
  try {
    const snapshot = await connection.invoke('Watch', topic);
    const version = snapshot.version ?? snapshot.lastSeq ?? 0;
    if (version >= (watchers.get(topic)?.version ?? 0)) deliver(topic, version, snapshot);
  } catch (error) {
    console.warn('watch failed', topic, error);
    if (!isRefusal(error)) resubscribeLater(topic, attempt);
  }
}

function resubscribeLater(topic, attempt) {
  setTimeout(() => resubscribe(topic, attempt + 1), RETRY_DELAYS[Math.min(attempt, RETRY_DELAYS.length - 1)]);
}

/**
 * Watches a topic; resolves with its current snapshot, and calls onSnapshot for it and every later one. When the hub
 * is busy or the call is cut short, it resolves with null and keeps trying, so the page stays as it loaded.
 */
export async function watch(topic, onSnapshot) {
  await connect();
  let watch = watchers.get(topic);
  if (!watch) {
    watch = { version: 0, handlers: new Set() };
    watchers.set(topic, watch);
  }
  watch.handlers.add(onSnapshot);
  let snapshot;
  try {
    snapshot = await connection.invoke('Watch', topic);
  } catch (error) {
    if (isRefusal(error)) throw error;
    // Busy or cut short: the page keeps what it loaded and the feed starts when the hub answers again.
    console.warn('watch failed; retrying', topic, error);
    resubscribeLater(topic, 0);
    return null;
  }
  const version = snapshot.version ?? 0;
  if (version >= watch.version) {
    watch.version = version;
    syncClock(snapshot);
    onSnapshot(snapshot);
  }
  return snapshot;
}

export async function unwatch(topic) {
  if (!watchers.delete(topic) || !connection) return;
  await connection.invoke('Unwatch', topic).catch(() => {});
}

export function onMessage(handler) {
  messageHandlers.add(handler);
}

export function onConnectionStatus(handler) {
  statusHandlers.add(handler);
}
