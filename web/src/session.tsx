import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { call, setCsrfToken, type ApiResponse } from './api.ts';
import { placeName, stateOfKeys } from './states.ts';
import type { Reporter } from './sharing-rules.ts';

/** Who is signed in, as the UI needs it. */
export interface Me extends Reporter {
  readonly email: string;
  readonly displayName: string;
  readonly keys: readonly string[];
}

/** Reads GET /api/v1/me into what the UI needs; null when the caller is not a person (an API key of no one). */
export function readMe(body: ApiResponse<'/api/v1/me'>): Me | null {
  const userId = body.user?.id ?? body.user_id;
  if (userId === null) return null;
  const stateFips = body.org?.state_fips ?? stateOfKeys(body.keys);
  const email = body.user?.email ?? '';
  return {
    userId,
    orgId: body.org?.id ?? body.org_id,
    orgName: body.org?.name ?? 'My organization',
    stateFips,
    stateName: stateFips === null ? null : placeName(stateFips),
    groups: body.groups ?? [],
    email,
    displayName: body.user?.name ?? email,
    keys: body.keys,
  };
}

interface SessionState {
  readonly me: Me | null;
  readonly loading: boolean;
  readonly refresh: () => Promise<void>;
  readonly signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionState>({
  me: null,
  loading: true,
  refresh: () => Promise.resolve(),
  signOut: () => Promise.resolve(),
});

export function SessionProvider(props: { readonly children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const refresh = useCallback(async () => {
    // GET /api/v1/session, not /api/v1/me: a visitor who is not signed in gets a 200 "no", not a 401 that the
    // browser's console reports as an error on every public page and on the sign-in page.
    const res = await call('get', '/api/v1/session');
    const me = res.ok ? res.value.me : null;
    if (me !== null) {
      if (me.csrf_token !== undefined) setCsrfToken(me.csrf_token);
      setMe(readMe(me));
    } else {
      setMe(null);
    }
    setLoading(false);
  }, []);
  const signOut = useCallback(async () => {
    await call('delete', '/api/v1/session');
    setCsrfToken(null);
    setMe(null);
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return <SessionContext.Provider value={{ me, loading, refresh, signOut }}>{props.children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  return useContext(SessionContext);
}
