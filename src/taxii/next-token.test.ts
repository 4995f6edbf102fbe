import { describe, expect, it } from 'vitest';
import type { OrgId, UserId } from '../domain/ids.ts';
import type { Principal } from '../domain/principal.ts';
import { NEXT_TOKEN_TTL_MS, nextSigner } from './next-token.ts';
import { parseTaxiiQuery, type TaxiiQuery } from './query.ts';

const alice: Principal = { orgId: 'identity--0a000000-0000-4000-8000-00000000000a' as OrgId, userId: '11111111-0000-4000-8000-000000000000' as UserId, keys: ['community', 'state:06'], scope: 'read' };
const bob: Principal = { ...alice, userId: '22222222-0000-4000-8000-000000000000' as UserId };
const query = (s: string): TaxiiQuery => {
  const q = parseTaxiiQuery(s, 'objects');
  if (!q.ok) throw new Error(q.error.message);
  return q.value;
};

describe('next tokens', () => {
  const signer = nextSigner(Buffer.from('secret'));
  const q = query('match[type]=indicator');
  const token = signer.sign('cursor-1', alice, 'objects:c1', q, 1000);

  it('open for the same reader, scope and filters, whatever the limit', () => {
    expect(signer.open(token, alice, 'objects:c1', query('match[type]=indicator&limit=7'), 2000)).toEqual({ ok: true, value: 'cursor-1' });
  });

  it('are refused for another reader, scope, filter, server secret, after their lifetime, or altered', () => {
    const refused = (r: ReturnType<typeof signer.open>) => expect(r).toMatchObject({ ok: false, error: { status: 400, code: 'invalid-next' } });
    refused(signer.open(token, bob, 'objects:c1', q, 2000));
    refused(signer.open(token, alice, 'manifest:c1', q, 2000));
    refused(signer.open(token, alice, 'objects:c1', query('match[type]=malware'), 2000));
    refused(nextSigner(Buffer.from('other')).open(token, alice, 'objects:c1', q, 2000));
    refused(signer.open(token, alice, 'objects:c1', q, 1000 + NEXT_TOKEN_TTL_MS + 1));
    refused(signer.open(`x${token}`, alice, 'objects:c1', q, 2000));
    refused(signer.open('garbage', alice, 'objects:c1', q, 2000));
  });
});
