// Live progress over the SignalR hub (@microsoft/signalr, loaded as window.signalR). One connection per page;
// watch(topic, onSnapshot) answers the current snapshot and then every newer push; after a reconnect every
// topic is watched again, so the page never keeps a stale value, and a watch the hub could not take (busy, or cut
// short) is tried again rather than failing the page. The connection never gives up: a deploy or an outage can last
// longer than any fixed list of attempts, and a page left open must come back live by itself.
import { token } from './api.js';
import { syncClock } from './clock.js';

let connection;
let firstStart;
const watchers = new Map(); // topic → { version, handlers: Set }
const messageHandlers = new Set();
const statusHandlers = new Set();

// Pauses before each attempt to connect, or to watch, again; the last one repeats for as long as it takes.
const RETRY_DELAYS = [0, 1000, 2000, 5000, 10000, 30000];

/** The pause before attempt n, with a random part: pages a stopping server dropped together do not all come back at once. */
function retryDelay(attempt) {
  const base = RETRY_DELAYS[Math.min(attempt, RETRY_DELAYS.length - 1)];
  return base + Math.random() * (base / 5 + 500);
}

function status(value) {
  statusHandlers.forEach(handler => handler(value));
}

/** Resolves once the first attempt to connect is over: true when it connected. */
function connect() {
  if (firstStart) return firstStart;
  connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/live', { accessTokenFactory: () => token() ?? '', transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true })
    .withAutomaticReconnect({ nextRetryDelayInMilliseconds: ({ previousRetryCount }) => retryDelay(previousRetryCount) })
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  connection.on('progress', ({ topic, version, data }) => {
    const watch = watchers.get(topic);
    // Each push carries the whole snapshot, so a skipped version loses nothing: the newest wins.
    if (!watch || version <= watch.version) return;
    deliver(topic, version, data);
  });
  connection.on('message', payload => messageHandlers.forEach(handler => handler(payload)));
  connection.onreconnecting(() => status('reconnecting'));
  connection.onreconnected(connected);
  firstStart = new Promise(resolve => start(0, resolve));
  return firstStart;
}

/**
 * The first connection, tried until it is up: the automatic reconnection only takes over a connection that was up once.
 * Tells the caller after the first attempt, so a page whose hub cannot be reached yet keeps what it loaded.
 */
function start(attempt, firstAttemptOver) {
  connection.start().then(() => {
    firstAttemptOver(true);
    if (attempt > 0) connected();
  }, error => {
    firstAttemptOver(false);
    console.warn('live feed unavailable; retrying', error);
    status('reconnecting');
    setTimeout(() => start(attempt + 1, firstAttemptOver), retryDelay(attempt + 1));
  });
}

function connected() {
  status('connected');
  [...watchers.keys()].forEach(topic => resubscribe(topic));
}

function deliver(topic, version, data) {
  const watch = watchers.get(topic);
  if (!watch) return;
  watch.version = version;
  syncClock(data);
  watch.handlers.forEach(handler => handler(data));
}

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
  setTimeout(() => resubscribe(topic, attempt + 1), retryDelay(attempt + 1));
}

/**
 * Watches a topic; resolves with its current snapshot, and calls onSnapshot for it and every later one. When the hub
 * cannot be reached, is busy, or the call is cut short, it resolves with null and keeps trying, so the page stays as it
 * loaded until the feed starts.
 */
export async function watch(topic, onSnapshot) {
  const starting = connect();
  let watch = watchers.get(topic);
  if (!watch) {
    watch = { version: 0, handlers: new Set() };
    watchers.set(topic, watch);
  }
  watch.handlers.add(onSnapshot);
  if (!await starting) return null;   // watched once connected
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
