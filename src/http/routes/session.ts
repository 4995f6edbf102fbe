import { Type } from '@sinclair/typebox';
import { problem } from '../../domain/problem.ts';
import type { RampartApp } from '../deps.ts';
import { csrfTokenFor, SESSION_COOKIE, type Authenticator, type RequestAuth } from '../auth.ts';
import type { AuthPort, SessionView } from '../../auth/port.ts';
import type { Principal } from '../../domain/principal.ts';
import { sendProblem } from '../problem.ts';
import { MeSchema, SessionStatusSchema, SignInBody, problemResponses } from '../schemas.ts';

/** What GET /api/v1/me answers for the request's caller (GET /api/v1/session too), or null when nobody is signed in. */
function meOf(state: RequestAuth) {
  if (state.kind === 'session') return meBody('session', state.principal, state.view, { csrf_token: csrfTokenFor(state.token) });
  if (state.kind === 'api-key') return meBody('api-key', state.principal, null, {});
  return null;
}

function meBody(via: 'session' | 'api-key', principal: Principal, view: SessionView | null, extra: Record<string, string>) {
  return {
    via,
    scope: principal.scope,
    org_id: principal.orgId,
    user_id: principal.userId,
    keys: principal.keys,
    ...(view === null ? {} : { user: view.user, org: view.org, groups: view.groups }),
    ...extra,
  };
}

/** Sign-in (`POST /api/v1/session`), sign-out (`DELETE`) and who am I (`GET /api/v1/me`). */
export function sessionRoutes(app: RampartApp, authn: Authenticator, auth: AuthPort): void {
  app.post(
    '/api/v1/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Sign in with email, password and (when the account has one) a TOTP code; sets the session cookie',
        body: SignInBody,
        response: { 200: MeSchema, ...problemResponses(400, 401, 429) },
      },
    },
    async (request, reply) => {
      const { email, password, totp } = request.body;
      const signedIn = await auth.signIn(
        { email, password, ...(totp === undefined ? {} : { totp }) },
        { ip: request.ip, userAgent: request.headers['user-agent'] ?? null },
      );
      if (!signedIn.ok) return sendProblem(reply, signedIn.error);
      const session = await auth.session(signedIn.value.token);
      if (session === null) throw new Error('a session just created could not be read back');
      void reply.setCookie(SESSION_COOKIE, signedIn.value.token, authn.cookieOptions(request, signedIn.value.expiresAt)).header('cache-control', 'no-store');
      return meBody('session', session.principal, session.view, { csrf_token: csrfTokenFor(signedIn.value.token), expires_at: signedIn.value.expiresAt.toISOString() });
    },
  );

  app.delete(
    '/api/v1/session',
    {
      schema: { tags: ['session'], summary: 'Sign out: ends the session and clears its cookie', response: { 204: Type.Null(), ...problemResponses(403) } },
    },
    async (request, reply) => {
      const state = authn.of(request);
      if (state.kind === 'session') {
        const writer = authn.requireActor(request);
        if (!writer.ok) return sendProblem(reply, writer.error);
        await auth.signOut(state.token);
      }
      return reply.clearCookie(SESSION_COOKIE, { path: '/' }).code(204).send(null);
    },
  );

  // The web client asks this first, so that a visitor who is not signed in (the public pages, the sign-in page) is
  // answered 200 "not signed in" rather than a 401 that the browser's console reports as an error on every visit.
  app.get(
    '/api/v1/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Whether the caller is signed in, and if so who (as GET /api/v1/me); never 401',
        response: { 200: SessionStatusSchema },
      },
    },
    async (request, reply) => {
      const me = meOf(authn.of(request));
      void reply.header('cache-control', 'private, no-store');
      return reply.send({ signed_in: me !== null, me });
    },
  );

  app.get(
    '/api/v1/me',
    {
      onRequest: authn.guard('read'),
      schema: { tags: ['session'], summary: 'Who is signed in, their audience keys and the CSRF token of the session', response: { 200: MeSchema, ...problemResponses(401) } },
    },
    async (request, reply) => {
      const me = meOf(authn.of(request));
      void reply.header('cache-control', 'private, no-store');
      return me === null ? sendProblem(reply, problem('unauthenticated', 'unauthenticated', 'Sign in first.')) : reply.send(me);
    },
  );
}
