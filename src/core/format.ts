/** Human-readable sizes for views and CLI text: `512 B`, `1.5 KB`, `48 KB`, `2.3 GB` (1024-based). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

/** A past moment, short and relative within a week ("just now", "5 min ago", "3 h ago", "2 days ago"), else its date. */
export function formatAgo(time: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - time) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  if (s < 7 * 86400) return `${Math.floor(s / 86400)} day${s < 2 * 86400 ? '' : 's'} ago`;
  return new Date(time).toLocaleDateString();
}

/** `formatAgo` of an ISO time; null when there is none or it does not parse. */
export function formatAgoIso(iso: string | null | undefined, now = Date.now()): string | null {
  const t = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(t) ? null : formatAgo(t, now);
}
