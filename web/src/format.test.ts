import { describe, expect, it } from 'vitest';
import { formatWhen, plural, shortId, typeLabel } from './format.ts';
import { mapColour, mapLegend, MAP_COLOURS } from './map-scale.ts';
import { describeSignInProblem, retryWhen } from './sign-in-messages.ts';
import { toProblem } from './api.ts';

const now = new Date('2026-11-03T12:00:00.000Z');

describe('formatting', () => {
  it('says how long ago within a day', () => {
    expect(formatWhen('2026-11-03T11:59:40.000Z', now)).toBe('just now');
    expect(formatWhen('2026-11-03T11:55:00.000Z', now)).toBe('5 min ago');
    expect(formatWhen('2026-11-03T11:00:00.000Z', now)).toBe('1 hour ago');
    expect(formatWhen('2026-11-03T02:00:00.000Z', now)).toBe('10 hours ago');
    expect(formatWhen(null, now)).toBe('—');
    expect(formatWhen('not a date', now)).toBe('not a date');
  });

  it('counts whole hours and minutes passed, so two screens a minute apart agree', () => {
    // Posted at 09:30: at 11:59 and at 12:01 (the form opened after the election page) both say 2 hours.
    expect(formatWhen('2026-11-03T09:30:00.000Z', new Date('2026-11-03T11:59:00.000Z'))).toBe('2 hours ago');
    expect(formatWhen('2026-11-03T09:30:00.000Z', new Date('2026-11-03T12:01:00.000Z'))).toBe('2 hours ago');
    expect(formatWhen('2026-11-03T09:00:01.000Z', now)).toBe('2 hours ago');
    expect(formatWhen('2026-11-03T09:00:00.000Z', now)).toBe('3 hours ago');
    expect(formatWhen('2026-11-03T11:00:01.000Z', now)).toBe('59 min ago');
    expect(formatWhen('2026-11-03T11:59:01.000Z', now)).toBe('just now');
    expect(formatWhen('2026-11-03T11:59:00.000Z', now)).toBe('1 min ago');
  });

  it('names STIX types as people say them', () => {
    expect(typeLabel('threat-actor')).toBe('Threat actor');
    expect(typeLabel('x-rampart-status-report')).toBe('Election-day status');
    expect(typeLabel('x-rampart-election')).toBe('Election');
    expect(typeLabel('x-mitre-tactic')).toBe('Mitre tactic');
    expect(typeLabel('incident')).toBe('Incident');
  });

  it('counts in words', () => {
    expect(plural(1, 'open incident')).toBe('1 open incident');
    expect(plural(1200, 'open incident')).toBe('1,200 open incidents');
    expect(shortId('incident--0123456789abcdef')).toBe('incident--01234567…');
  });
});

describe('map shading', () => {
  it('leaves places without incidents grey and gives the busiest the darkest colour', () => {
    expect(mapColour(0, 40)).toBe(MAP_COLOURS[0]);
    expect(mapColour(40, 40)).toBe(MAP_COLOURS[5]);
    expect(mapColour(1, 40)).toBe(MAP_COLOURS[1]);
    expect(mapColour(3, 3)).toBe(MAP_COLOURS[3]);
  });

  it('has a legend row for every colour used', () => {
    expect(mapLegend(2).map((r) => r.label)).toEqual(['none', '1', '2']);
    expect(mapLegend(50).map((r) => r.label)).toEqual(['none', '1–10', '11–20', '21–30', '31–40', '41–50']);
  });
});

describe('sign-in messages', () => {
  it('shows the server detail and when a locked account may retry', () => {
    const locked = toProblem(423, { status: 423, title: 'Locked', detail: 'Too many wrong passwords; this account is locked.', code: 'account-locked' }, '240');
    expect(describeSignInProblem(locked, now)).toEqual({ text: 'Too many wrong passwords; this account is locked. You can try again in 4 minutes.', needsTotp: false });
  });

  it('asks for the code when the server wants one', () => {
    const p = toProblem(401, { status: 401, title: 'Code needed', detail: 'Enter your code', code: 'totp-required' }, null);
    expect(describeSignInProblem(p, now).needsTotp).toBe(true);
  });

  it('reads waits in plain words', () => {
    expect(retryWhen(30, now)).toBe('in 30 seconds');
    expect(retryWhen(61, now)).toBe('in 2 minutes');
  });

  it('keeps the per-field errors of a problem body', () => {
    const p = toProblem(422, { status: 422, title: 'Unprocessable Content', detail: 'The object is not valid STIX.', code: 'invalid-stix-object', errors: [{ path: '$.name', code: 'wrong-type', message: 'name must be a string' }, 'junk'] }, null);
    // The code is kept too: the upload page groups refusals by it (e.g. 'already-here').
    expect(p.errors).toEqual([{ path: '$.name', code: 'wrong-type', message: 'name must be a string' }]);
  });

  it('explains a lost connection without a status', () => {
    expect(toProblem(0, null, null).detail).toBe('Rampart could not be reached. Check your connection and try again.');
    expect(toProblem(502, 'garbage', null)).toMatchObject({ status: 502, code: 'http-502', detail: 'Request failed (502)' });
  });
});
