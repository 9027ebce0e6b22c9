// Live progress over the SignalR hub (@microsoft/signalr, loaded as window.signalR). One connection per page;
// watch(topic, onSnapshot) answers the current snapshot and then every newer push; after a reconnect every
// topic is watched again, so the page never keeps a stale value.
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

async function resubscribe(topic) {
  try {
    const snapshot = await connection.invoke('Watch', topic);
    deliver(topic, snapshot.version ?? snapshot.lastSeq ?? 0, snapshot);
  } catch (error) {
    console.warn('watch failed', topic, error);
  }
}

/** Watches a topic; resolves with its current snapshot, and calls onSnapshot for it and every later one. */
export async function watch(topic, onSnapshot) {
  await connect();
  let watch = watchers.get(topic);
  if (!watch) {
    watch = { version: 0, handlers: new Set() };
    watchers.set(topic, watch);
  }
  watch.handlers.add(onSnapshot);
  const snapshot = await connection.invoke('Watch', topic);
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
