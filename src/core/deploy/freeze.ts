/**
 * Freeze windows (`.sdlc.json` `freezeWindows`): weekly ranges such as Friday 16:00 – Monday 08:00,
 * or date ranges, in an IANA time zone (default UTC). A deploy to an environment inside an active
 * window is refused unless overridden with a reason. Time is always passed in (injectable clock).
 */
import type { FreezeWindowConfig } from '../config/config';
import { SdlcError } from '../errors';

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const WEEK_MIN = 7 * 24 * 60;

export interface ActiveFreeze {
  name: string;
  /** Human description, e.g. "Fri 16:00 – Mon 08:00 (Europe/Berlin)". */
  description: string;
  /** ISO instant the window ends (for the message). */
  endsAt: string;
}

/** The first window that freezes `environment` at `now`, or null. Bad windows throw InvalidConfig. */
export function activeFreeze(windows: readonly FreezeWindowConfig[] | undefined, environment: string, now: number): ActiveFreeze | null {
  for (const [i, w] of (windows ?? []).entries()) {
    if (w.environments && !w.environments.includes(environment)) continue;
    const zone = w.timeZone ?? 'UTC';
    checkZone(zone, i);
    const name = w.name ?? `freezeWindows[${i}]`;
    if (w.weekly) {
      const from = parseWeekly(w.weekly.from, `freezeWindows[${i}].weekly.from`);
      const to = parseWeekly(w.weekly.to, `freezeWindows[${i}].weekly.to`);
      const m = minuteOfWeek(now, zone);
      const inside = from <= to ? m >= from && m < to : m >= from || m < to;
      if (inside) {
        const minutesLeft = (to - m + WEEK_MIN) % WEEK_MIN || WEEK_MIN;
        const end = Math.floor(now / 60_000) * 60_000 + minutesLeft * 60_000;
        return { name, description: `${w.weekly.from} – ${w.weekly.to} weekly (${zone})`, endsAt: new Date(end).toISOString() };
      }
    }
    if (w.from !== undefined || w.to !== undefined) {
      const start = w.from !== undefined ? parseInstant(w.from, zone, 'start', `freezeWindows[${i}].from`) : -Infinity;
      const end = w.to !== undefined ? parseInstant(w.to, zone, 'end', `freezeWindows[${i}].to`) : Infinity;
      if (now >= start && now < end) {
        return { name, description: `${w.from ?? '…'} – ${w.to ?? '…'} (${zone})`, endsAt: Number.isFinite(end) ? new Date(end).toISOString() : 'never' };
      }
    }
  }
  return null;
}

/** "Fri 16:00" → minute of the week (Sunday 00:00 = 0). */
export function parseWeekly(text: string, at = 'weekly'): number {
  const m = /^\s*([A-Za-z]{3})[a-z]*\s+(\d{1,2}):(\d{2})\s*$/.exec(text);
  const day = m ? DAYS.indexOf(m[1].toLowerCase() as (typeof DAYS)[number]) : -1;
  const hour = m ? Number(m[2]) : NaN;
  const minute = m ? Number(m[3]) : NaN;
  if (!m || day < 0 || hour > 24 || minute > 59 || (hour === 24 && minute > 0)) {
    throw new SdlcError('InvalidConfig', `${at}: ${JSON.stringify(text)} is not a day and time like "Fri 16:00". Fix it in .sdlc.json.`, { usage: true });
  }
  return day * 24 * 60 + hour * 60 + minute;
}

/** Minute of the week of `now` in `zone`. */
export function minuteOfWeek(now: number, zone: string): number {
  const parts = zoneParts(now, zone);
  return parts.weekday * 24 * 60 + parts.hour * 60 + parts.minute;
}

/**
 * An ISO date or date-time. With an offset or Z it is absolute; otherwise local to `zone`. A bare
 * date starts at 00:00 (`start`) or, as an end, includes the whole day (next day 00:00).
 */
export function parseInstant(text: string, zone: string, role: 'start' | 'end', at = 'date'): number {
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (dateOnly) {
    const [y, mo, d] = [Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3])];
    const day = role === 'end' ? d + 1 : d;
    const t = localToUtc(y, mo, day, 0, 0, 0, zone);
    if (Number.isNaN(t) || mo < 1 || mo > 12 || d < 1 || d > 31) throw badDate(text, at);
    return t;
  }
  const local = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (local) return localToUtc(Number(local[1]), Number(local[2]), Number(local[3]), Number(local[4]), Number(local[5]), Number(local[6] ?? 0), zone);
  const absolute = Date.parse(text);
  if (/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) && !Number.isNaN(absolute)) return absolute;
  throw badDate(text, at);
}

function badDate(text: string, at: string): SdlcError {
  return new SdlcError('InvalidConfig', `${at}: ${JSON.stringify(text)} is not an ISO date ("2026-12-24") or date-time ("2026-12-24T16:00", "2026-12-24T16:00Z"). Fix it in .sdlc.json.`, { usage: true });
}

function checkZone(zone: string, i: number): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw new SdlcError('InvalidConfig', `freezeWindows[${i}].timeZone: ${JSON.stringify(zone)} is not an IANA time zone (e.g. "Europe/Berlin"). Fix it in .sdlc.json.`, { usage: true });
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function zoneParts(t: number, zone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: number } {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', weekday: 'short' });
    formatters.set(zone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(new Date(t))) p[part.type] = part.value;
  return {
    year: Number(p.year),
    month: Number(p.month),
    day: Number(p.day),
    hour: Number(p.hour) % 24,
    minute: Number(p.minute),
    second: Number(p.second),
    weekday: DAYS.indexOf(p.weekday.toLowerCase().slice(0, 3) as (typeof DAYS)[number]),
  };
}

/** The UTC instant of a wall-clock time in `zone` (two passes handle DST changes). */
export function localToUtc(year: number, month: number, day: number, hour: number, minute: number, second: number, zone: string): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  let guess = wall;
  for (let i = 0; i < 2; i++) {
    const p = zoneParts(guess, zone);
    const seen = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    guess += wall - seen;
  }
  return guess;
}
