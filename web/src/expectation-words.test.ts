import { describe, expect, it } from 'vitest';
import { choicesWith, everyWords } from './expectation-words.ts';

describe('reporting intervals in words', () => {
  it('says each interval as an official would', () => {
    expect([30, 60, 120, 1440, 2880, 45, 0, null].map(everyWords)).toEqual(['every 30 minutes', 'every hour', 'every 2 hours', 'once a day', 'every 2 days', 'every 45 minutes', 'no regular report', 'no regular report']);
  });
  it('keeps a value set elsewhere among the choices, in order, no regular report last', () => {
    expect(choicesWith(45)).toEqual([15, 30, 45, 60, 120, 240, 720, 1440, 0]);
    expect(choicesWith(60)).toEqual([15, 30, 60, 120, 240, 720, 1440, 0]);
  });
});
