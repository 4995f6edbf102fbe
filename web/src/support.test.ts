import { describe, expect, it } from 'vitest';
import { otherSide, providersOf } from './support.ts';

describe('support words', () => {
  it('names the other side of a request', () => {
    const r = { requester: { id: 'a', name: 'Pine Hollow' }, provider: { id: 'b', name: 'CISA' } };
    expect(otherSide({ ...r, role: 'requester' })).toBe('Asked of CISA');
    expect(otherSide({ ...r, role: 'provider' })).toBe('Asked by Pine Hollow');
  });

  it('lists each provider of a catalogue once', () => {
    const o = (id: string, service: 'risk-assessment' | 'threat-briefing') => ({ provider: { id, name: id.toUpperCase() }, service, service_label: service, description: '', active: true });
    expect(providersOf([o('c', 'risk-assessment'), o('c', 'threat-briefing'), o('d', 'risk-assessment')]).map((p) => p.id)).toEqual(['c', 'd']);
  });
});
