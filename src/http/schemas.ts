import { STATUS_CODES } from 'node:http';
import { Type, type Static } from '@sinclair/typebox';

/** The HTTP layer's own schemas (problem+json, session); each feature keeps its routes' schemas beside them. Fastify validates with them, OpenAPI is generated from them, types come from Static<>. */

export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'urn:rampart:problem:<code>' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String({ description: 'What was wrong and what to do' }),
    code: Type.String({ description: 'Stable machine code' }),
    errors: Type.Optional(
      Type.Array(Type.Object({ id: Type.Optional(Type.String()), path: Type.Optional(Type.String()), code: Type.String(), message: Type.String() })),
    ),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);





export const SignInBody = Type.Object(
  {
    email: Type.String({ minLength: 3, maxLength: 254 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    totp: Type.Optional(Type.String({ pattern: '^[0-9]{6}$', description: 'The 6-digit code of an authenticator app, when the account has one' })),
  },
  { additionalProperties: false },
);
export type SignInBody = Static<typeof SignInBody>;

export const MeSchema = Type.Object({
  via: Type.Union([Type.Literal('session'), Type.Literal('api-key')]),
  scope: Type.Union([Type.Literal('read'), Type.Literal('write')]),
  org_id: Type.String(),
  user_id: Type.Union([Type.String(), Type.Null()]),
  keys: Type.Array(Type.String()),
  user: Type.Optional(Type.Object({ id: Type.String(), email: Type.String(), name: Type.String() })),
  org: Type.Optional(Type.Object({ id: Type.String(), name: Type.String(), state_fips: Type.Union([Type.String(), Type.Null()]) })),
  groups: Type.Optional(Type.Array(Type.Object({ id: Type.String(), name: Type.String() }))),
  csrf_token: Type.Optional(Type.String({ description: `Send as X-CSRF-Token on cookie-authenticated writes` })),
  expires_at: Type.Optional(Type.String()),
});

/** GET /api/v1/session: signed in or not, never a 401; `me` as GET /api/v1/me answers when signed in. */
export const SessionStatusSchema = Type.Object({
  signed_in: Type.Boolean(),
  me: Type.Union([MeSchema, Type.Null()]),
});

/** Shared by every route's error responses in the OpenAPI document. */
export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [s, { description: `${STATUS_CODES[s] ?? 'Error'} (problem+json)`, content: { 'application/problem+json': { schema: Type.Ref(ProblemSchema) } } }]),
  );
