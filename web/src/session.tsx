import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, setCsrfToken } from './api.ts';
import { placeName, stateOfKeys } from './states.ts';
import type { Reporter } from './sharing-rules.ts';

/** Who is signed in, as the UI needs it. */
export interface Me extends Reporter {
  readonly email: string;
  readonly displayName: string;
  readonly keys: readonly string[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
const s = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Reads GET /api/v1/me into what the UI needs; null when the body is not a signed-in member. */
export function readMe(body: unknown): Me | null {
  if (!isRecord(body)) return null;
  const user = isRecord(body['user']) ? body['user'] : body;
  const org = isRecord(body['org']) ? body['org'] : isRecord(body['organization']) ? body['organization'] : {};
  const userId = s(user['id']) ?? s(body['user_id']);
  const orgId = s(org['id']) ?? s(body['org_id']);
  if (userId === null || orgId === null) return null;
  const keys = Array.isArray(body['keys']) ? body['keys'].filter((k): k is string => typeof k === 'string') : [];
  const stateFips = s(org['state_fips']) ?? stateOfKeys(keys);
  const groups = Array.isArray(body['groups'])
    ? body['groups'].flatMap((g) => (isRecord(g) && s(g['id']) !== null ? [{ id: s(g['id']) ?? '', name: s(g['name']) ?? 'Sharing group' }] : []))
    : [];
  const email = s(user['email']) ?? '';
  return {
    userId,
    orgId,
    orgName: s(org['name']) ?? 'My organization',
    stateFips,
    stateName: stateFips === null ? null : placeName(stateFips),
    groups,
    email,
    displayName: s(user['name']) ?? s(user['display_name']) ?? email,
    keys,
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
    const res = await api<unknown>('GET', '/api/v1/me');
    if (res.ok) {
      const body = isRecord(res.value) ? res.value : {};
      const token = s(body['csrf_token']);
      if (token !== null) setCsrfToken(token);
      setMe(readMe(res.value));
    } else {
      setMe(null);
    }
    setLoading(false);
  }, []);
  const signOut = useCallback(async () => {
    await api<unknown>('DELETE', '/api/v1/session');
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
