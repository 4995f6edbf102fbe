import { err, ok, type Result } from './result.ts';

/**
 * Where an owner shared an object. A reader sees an object when one of its audience keys
 * is one of the reader's keys (DESIGN.md, "who sees what").
 */
export type AudienceKey =
  | 'public'
  | 'community'
  | `org:${string}`
  | `state:${string}`
  | `group:${string}`
  | `user:${string}`;

export type AudienceKind = 'public' | 'community' | 'org' | 'state' | 'group' | 'user';

export interface AudienceError {
  readonly code: 'invalid-audience-key';
  readonly message: string;
}

const KEY = /^(public|community|org:identity--[0-9a-f-]{36}|state:\d{2}|group:[0-9a-f-]{36}|user:[0-9a-f-]{36})$/;

export function parseAudienceKey(value: string): Result<AudienceKey, AudienceError> {
  return KEY.test(value)
    ? ok(value as AudienceKey)
    : err({
        code: 'invalid-audience-key',
        message: `"${value}" is not an audience key; use public, community, org:<identity id>, state:<2-digit FIPS>, group:<uuid> or user:<uuid>`,
      });
}

export function audienceKind(key: AudienceKey): AudienceKind {
  const colon = key.indexOf(':');
  return (colon < 0 ? key : key.slice(0, colon)) as AudienceKind;
}
