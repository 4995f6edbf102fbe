import { useState } from 'react';
import { api, type ApiProblem } from '../../api.ts';
import { Loading, ProblemBox } from '../../components/Status.tsx';
import { formatWhen } from '../../format.ts';
import { useReload } from './reload.ts';

interface OrgKeyRow {
  readonly id: string;
  readonly name: string;
  readonly scope: 'read' | 'write';
  readonly last_used_at: string | null;
  readonly revoked_at: string | null;
  readonly email: string;
}

/** Every API key of my organization's people (never their secrets), for an org-admin to revoke a leaked one. */
export function OrgKeys(props: { readonly version: number }) {
  const [keys, reload] = useReload<OrgKeyRow[]>('/api/v1/org/keys', props.version);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const revoke = async (k: OrgKeyRow) => {
    if (!window.confirm(`Revoke ${k.email}'s key "${k.name}"? It stops working at once.`)) return;
    const res = await api<unknown>('DELETE', `/api/v1/org/keys/${encodeURIComponent(k.id)}`);
    if (!res.ok) setProblem(res.error);
    reload();
  };
  const now = new Date();
  return (
    <section className="card" id="org-keys">
      <h2>API keys of my organization</h2>
      {problem === null ? null : <ProblemBox problem={problem} />}
      {keys.state === 'loading' ? <Loading what="keys" /> : null}
      {keys.state === 'error' ? <ProblemBox problem={keys.problem} /> : null}
      {keys.state === 'ready' && keys.value.length === 0 ? <p className="muted">Nobody in your organization has an API key.</p> : null}
      {keys.state === 'ready' && keys.value.length > 0 ? (
        <div className="table-scroll">
          <table className="intel-table wide-first org-keys-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Person</th>
                <th scope="col">Scope</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {keys.value.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td className="small">{k.email}</td>
                  <td>{k.scope === 'write' ? 'read and publish' : 'read only'}</td>
                  <td className="small">{k.last_used_at === null ? 'never' : formatWhen(k.last_used_at, now)}</td>
                  <td>
                    {k.revoked_at !== null ? (
                      <span className="pill">revoked</span>
                    ) : (
                      <button type="button" onClick={() => void revoke(k)} aria-label={`Revoke ${k.email}'s key ${k.name}`}>
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
