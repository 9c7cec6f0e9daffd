import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { activeFreeze, localToUtc, minuteOfWeek, parseInstant, parseWeekly } from '../../../src/core/deploy/freeze';
import { SdlcError } from '../../../src/core/errors';

const at = (iso: string) => Date.parse(iso);
const weekend = [{ name: 'weekend', weekly: { from: 'Fri 16:00', to: 'Mon 08:00' }, timeZone: 'Europe/Berlin', environments: ['production'] }];

describe('deploy/freeze', () => {
  it('a weekly window Fri 16:00 – Mon 08:00 in Europe/Berlin (wraps over the week end)', () => {
    // 2026-12-04 is a Friday; Berlin is UTC+1 in December
    assert.equal(activeFreeze(weekend, 'production', at('2026-12-04T14:59:00Z')), null, 'Fri 15:59 Berlin');
    const fri = activeFreeze(weekend, 'production', at('2026-12-04T15:00:00Z'));
    assert.ok(fri, 'Fri 16:00 Berlin is frozen');
    assert.equal(fri.name, 'weekend');
    assert.equal(fri.endsAt, '2026-12-07T07:00:00.000Z', 'ends Mon 08:00 Berlin');
    assert.ok(activeFreeze(weekend, 'production', at('2026-12-06T12:00:00Z')), 'Sunday');
    assert.ok(activeFreeze(weekend, 'production', at('2026-12-07T06:59:00Z')), 'Mon 07:59 Berlin');
    assert.equal(activeFreeze(weekend, 'production', at('2026-12-07T07:00:00Z')), null, 'Mon 08:00 Berlin');
    assert.equal(activeFreeze(weekend, 'staging', at('2026-12-05T12:00:00Z')), null, 'other environments are not frozen');
  });

  it('follows daylight saving time (Berlin is UTC+2 in summer)', () => {
    // 2026-07-03 is a Friday
    assert.equal(activeFreeze(weekend, 'production', at('2026-07-03T13:59:00Z')), null);
    assert.ok(activeFreeze(weekend, 'production', at('2026-07-03T14:00:00Z')));
  });

  it('date ranges: a bare end date includes the whole day; date-times with and without offsets', () => {
    const holidays = [{ name: 'holidays', from: '2026-12-24', to: '2026-12-26', timeZone: 'America/New_York' }];
    assert.equal(activeFreeze(holidays, 'any', at('2026-12-24T04:59:00Z')), null, '23:59 on the 23rd in New York');
    assert.ok(activeFreeze(holidays, 'any', at('2026-12-24T05:00:00Z')));
    assert.ok(activeFreeze(holidays, 'any', at('2026-12-27T04:59:00Z')), 'the 26th is included');
    assert.equal(activeFreeze(holidays, 'any', at('2026-12-27T05:00:00Z')), null);
    assert.equal(parseInstant('2026-12-24T16:00Z', 'Asia/Tokyo', 'start'), at('2026-12-24T16:00:00Z'));
    assert.equal(parseInstant('2026-12-24T16:00', 'Asia/Tokyo', 'start'), at('2026-12-24T07:00:00Z'));
    const openEnded = [{ from: '2026-12-01T00:00Z' }];
    assert.equal(activeFreeze(openEnded, 'x', at('2026-12-02T00:00:00Z'))?.endsAt, 'never');
  });

  it('bad windows are configuration errors that say how to fix them', () => {
    for (const [w, re] of [
      [{ weekly: { from: 'Friday 4pm', to: 'Mon 08:00' } }, /not a day and time like "Fri 16:00"/],
      [{ weekly: { from: 'Fri 16:00', to: 'Mon 08:00' }, timeZone: 'Mars/Olympus' }, /not an IANA time zone/],
      [{ from: 'next friday' }, /not an ISO date/],
    ] as const) {
      assert.throws(() => activeFreeze([w], 'x', Date.now()), (e: unknown) => e instanceof SdlcError && e.code === 'InvalidConfig' && e.usage && re.test(e.message));
    }
  });

  it('minuteOfWeek in UTC matches getUTCDay/Hours/Minutes, and local → UTC → local is the identity (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: at('2000-01-01T00:00:00Z'), max: at('2040-01-01T00:00:00Z') }), (t) => {
        const d = new Date(t);
        assert.equal(minuteOfWeek(t, 'UTC'), d.getUTCDay() * 1440 + d.getUTCHours() * 60 + d.getUTCMinutes());
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2040 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), fc.constantFrom('UTC', 'Europe/Berlin', 'Asia/Kolkata', 'America/Los_Angeles'), (y, mo, d, h, mi, zone) => {
        const t = localToUtc(y, mo, d, h, mi, 0, zone);
        const back = new Intl.DateTimeFormat('en-CA', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(new Date(t));
        // a wall time that does not exist (spring forward) moves by the gap; every other one round-trips
        const expected = `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}, ${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}`;
        if (back !== expected) assert.ok(zone !== 'UTC' && zone !== 'Asia/Kolkata', `${zone} ${expected} → ${back}`);
      }),
    );
  });

  it('weekly windows: inside ⇔ the minute of the week is in [from, to) modulo a week (property)', () => {
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10079 }), fc.integer({ min: 0, max: 10079 }), fc.integer({ min: at('2026-01-04T00:00:00Z'), max: at('2026-12-31T00:00:00Z') }), (a, b, t) => {
        fc.pre(a !== b);
        const fmt = (m: number) => `${days[Math.floor(m / 1440)]} ${String(Math.floor((m % 1440) / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
        assert.equal(parseWeekly(fmt(a)), a);
        const m = minuteOfWeek(t, 'UTC');
        const inside = a < b ? m >= a && m < b : m >= a || m < b;
        assert.equal(activeFreeze([{ weekly: { from: fmt(a), to: fmt(b) } }], 'x', t) !== null, inside);
      }),
    );
  });
});
