import { createHmac, timingSafeEqual } from 'node:crypto';
import { err, ok, type Result } from '../domain/result.ts';
import type { Principal } from '../domain/principal.ts';
import { taxiiError, type TaxiiError } from './errors.ts';
import type { TaxiiQuery } from './query.ts';

/** How long a `next` token stays valid: long enough to page through any collection, short enough to retire leaked ones. */
export const NEXT_TOKEN_TTL_MS = 24 * 3600 * 1000;

/**
 * `next` tokens (§3.5, Appendix B: never trust them blindly): the store's cursor, signed with the
 * server secret over who asked and what they asked, so another reader or another query cannot replay it.
 * `scope` names the endpoint, collection and object; limit is left out (a client may change its page size).
 */
export interface NextSigner {
  sign(cursor: string, principal: Principal, scope: string, query: TaxiiQuery, nowMs: number): string;
  open(token: string, principal: Principal, scope: string, query: TaxiiQuery, nowMs: number): Result<string, TaxiiError>;
}

function binding(principal: Principal, scope: string, query: TaxiiQuery): string {
  const version = query.version;
  return JSON.stringify([
    principal.orgId,
    principal.userId,
    [...principal.keys].sort(),
    scope,
    query.addedAfterUs ?? null,
    query.ids ?? null,
    query.types ?? null,
    [version.all, version.first, version.last, [...version.exact].sort((a, b) => a - b)],
    query.specVersions ?? null,
  ]);
}

const refused = (message: string): TaxiiError => taxiiError(400, 'invalid-next', message);

export function nextSigner(secret: Uint8Array): NextSigner {
  const mac = (payload: string, bound: string) => createHmac('sha256', secret).update(bound).update('\n').update(payload).digest();
  return {
    sign(cursor, principal, scope, query, nowMs) {
      const payload = Buffer.from(JSON.stringify({ c: cursor, t: nowMs })).toString('base64url');
      return `${payload}.${mac(payload, binding(principal, scope, query)).toString('base64url')}`;
    },
    open(token, principal, scope, query, nowMs) {
      const [payload = '', signature = '', ...rest] = token.split('.');
      const given = Buffer.from(signature, 'base64url');
      const expected = mac(payload, binding(principal, scope, query));
      if (rest.length > 0 || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return err(refused('next does not belong to this query and these credentials; send it back only with the same filters it came with, or start again without next'));
      }
      const decoded: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      if (typeof decoded !== 'object' || decoded === null || !('c' in decoded) || !('t' in decoded) || typeof decoded.c !== 'string' || typeof decoded.t !== 'number') {
        return err(refused('next is malformed; start again without next'));
      }
      if (nowMs - decoded.t > NEXT_TOKEN_TTL_MS) return err(refused('next has expired (older than 24 hours); start again, with added_after set to the last date_added you received'));
      return ok(decoded.c);
    },
  };
}
