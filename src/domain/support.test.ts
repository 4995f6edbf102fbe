import { describe, expect, it } from 'vitest';
import { supportActions, supportTransition } from './support.ts';

describe('the support request workflow', () => {
  it('lets the provider accept, decline, schedule and complete, and the requester cancel', () => {
    expect(supportActions('provider', 'requested')).toEqual(['accept', 'decline']);
    expect(supportActions('provider', 'accepted')).toEqual(['decline', 'schedule', 'complete']);
    expect(supportActions('provider', 'scheduled')).toEqual(['decline', 'schedule', 'complete']);
    expect(supportActions('requester', 'scheduled')).toEqual(['cancel']);
    expect(supportActions('party', 'requested')).toEqual([]);
    expect(supportActions('provider', 'completed')).toEqual([]);
  });

  it('says who may take a step and when', () => {
    expect(supportTransition('accept', 'requester', 'requested')).toEqual({ ok: false, code: 'not-your-step', message: 'Only the provider may accept a support request' });
    expect(supportTransition('complete', 'provider', 'requested')).toEqual({ ok: false, code: 'not-now', message: 'A requested request cannot be completed; that is possible when it is accepted or scheduled' });
    expect(supportTransition('schedule', 'provider', 'accepted')).toEqual({ ok: true, to: 'scheduled' });
  });
});
