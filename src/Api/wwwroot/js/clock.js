// Countdowns run on the server's clock: every snapshot carries serverTime, and the page keeps the offset
// between it and the browser's clock, so a phone whose clock is wrong still counts down right.
let offset = 0;

export function syncClock(snapshot) {
  if (snapshot?.serverTime) offset = Date.parse(snapshot.serverTime) - Date.now();
}

export function serverNow() {
  return Date.now() + offset;
}

/** Milliseconds until an ISO time, on the server's clock; never negative. */
export function msUntil(iso) {
  return Math.max(0, Date.parse(iso) - serverNow());
}

/** 1:02:03 style; days first when far off. */
export function formatDuration(ms, dayWord = 'd') {
  const total = Math.ceil(ms / 1000);
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = n => String(n).padStart(2, '0');
  const clock = `${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
  return days > 0 ? `${days}${dayWord} ${clock}` : clock;
}
