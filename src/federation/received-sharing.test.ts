import { describe, expect, it } from 'vitest';
import type { AudienceKey } from '../domain/audience.ts';
import type { OrgId } from '../domain/ids.ts';
import { receivedSharing, withdrawnSharing } from './received-sharing.ts';

const OWNER = 'identity--11111111-1111-4111-8111-111111111111' as OrgId;
const RECEIVER = 'identity--22222222-2222-4222-8222-222222222222' as OrgId;
const OTHER = 'org:identity--33333333-3333-4333-8333-333333333333' as AudienceKey;
const base = { owner: OWNER, receiver: RECEIVER };

describe('received sharing: never beyond the marking received', () => {
  it('gives each TLP its widest received audience and keeps the owner', () => {
    expect(receivedSharing({ ...base, tlp: 'clear' })).toEqual({ ok: true, value: { owner: OWNER, tlp: 'clear', audience: ['public'] } });
    expect(receivedSharing({ ...base, tlp: 'green' })).toEqual({ ok: true, value: { owner: OWNER, tlp: 'green', audience: ['community'] } });
    for (const tlp of ['amber', 'amber+strict'] as const) {
      expect(receivedSharing({ ...base, tlp })).toEqual({ ok: true, value: { owner: OWNER, tlp, audience: [`org:${RECEIVER}`] } });
    }
    const red = receivedSharing({ ...base, tlp: 'red' });
    expect(!red.ok && red.error.code).toBe('tlp-red-not-federated');
  });

  it('lets the feed audience narrow, never widen', () => {
    const green = (narrowTo: AudienceKey[]) => receivedSharing({ ...base, tlp: 'green', narrowTo });
    expect(green(['state:06', 'public']).ok && green(['state:06', 'public'])).toMatchObject({ value: { audience: ['state:06'] } });
    expect(green(['public'])).toMatchObject({ value: { audience: [`org:${RECEIVER}`] } });
    expect(receivedSharing({ ...base, tlp: 'clear', narrowTo: ['community'] })).toMatchObject({ value: { audience: ['community'] } });
    // AMBER received stays with the receiver even when the feed names a state or another organization.
    expect(receivedSharing({ ...base, tlp: 'amber', narrowTo: ['state:06', OTHER] })).toMatchObject({ value: { audience: [`org:${RECEIVER}`] } });
    expect(receivedSharing({ ...base, tlp: 'amber+strict', narrowTo: ['community'] })).toMatchObject({ value: { audience: [`org:${RECEIVER}`] } });
  });

  it('withdraws to the owner alone', () => {
    expect(withdrawnSharing(OWNER, 'green')).toEqual({ owner: OWNER, tlp: 'green', audience: [`org:${OWNER}`] });
  });
});
