import { useState, type FormEvent } from 'react';
import { api, type ApiProblem } from '../../api.ts';
import { Loading, ProblemBox } from '../../components/Status.tsx';
import { formatWhen } from '../../format.ts';
import { useReload } from './reload.ts';

interface KeyRow {
  readonly id: string;
  readonly name: string;
  readonly scope: 'read' | 'write';
  readonly created_at: string;
  readonly last_used_at: string | null;
  readonly expires_at: string | null;
  readonly revoked_at: string | null;
}

/** My API keys: a new key is shown once, with a copy button; the list shows last use; revoke is immediate. */
export function ApiKeys(props: { readonly onChange?: () => void }) {
  const [keys, reload] = useReload<KeyRow[]>('/api/v1/keys');
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'read' | 'write'>('read');
  const [created, setCreated] = useState<{ readonly name: string; readonly key: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    const res = await api<KeyRow & { key: string }>('POST', '/api/v1/keys', { name, scope });
    if (!res.ok) return setProblem(res.error);
    setCreated({ name: res.value.name, key: res.value.key });
    setCopied(false);
    setName('');
    reload();
    props.onChange?.();
  };
  const revoke = async (id: string) => {
    const res = await api<KeyRow>('DELETE', `/api/v1/keys/${encodeURIComponent(id)}`);
    if (!res.ok) setProblem(res.error);
    reload();
    props.onChange?.();
  };
  const copy = async (key: string) => {
    try {
      await navigator.clipboard.writeText(key);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  const now = new Date();
  return (
    <section className="card" id="api-keys">
      <h2>My API keys</h2>
      <p className="muted small">For scripts, SIEMs and TAXII clients. A key acts as you; read keys cannot publish.</p>
      {created === null ? null : (
        <div className="success new-key" role="status">
          <p>
            <strong>{`Key "${created.name}" created.`}</strong> Copy it now: Rampart will not show it again.
          </p>
          <code className="mono secret" data-testid="new-key">
            {created.key}
          </code>
          <div className="actions compact">
            <button type="button" onClick={() => void copy(created.key)}>
              {copied ? 'Copied' : 'Copy key'}
            </button>
            <button type="button" onClick={() => setCreated(null)}>
              I have stored it
            </button>
          </div>
        </div>
      )}
      {problem === null ? null : <ProblemBox problem={problem} />}
      <form className="inline-form" onSubmit={(e) => void create(e)}>
        <label className="grow">
          What the key is for
          <input name="key-name" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} placeholder="e.g. SIEM feed" />
        </label>
        <label>
          Scope
          <select name="key-scope" value={scope} onChange={(e) => setScope(e.target.value === 'write' ? 'write' : 'read')}>
            <option value="read">Read only</option>
            <option value="write">Read and publish</option>
          </select>
        </label>
        <button type="submit" className="primary" disabled={name.trim() === ''}>
          Create key
        </button>
      </form>
      {keys.state === 'loading' ? <Loading what="your keys" /> : null}
      {keys.state === 'error' ? <ProblemBox problem={keys.problem} /> : null}
      {keys.state === 'ready' ? (
        <div className="table-scroll">
          <table className="intel-table wide-first keys-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key id</th>
                <th scope="col">Scope</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {keys.value.length === 0 ? (
                <tr>
                  <td colSpan={5} className="muted">
                    No keys yet.
                  </td>
                </tr>
              ) : null}
              {keys.value.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td className="mono small">{k.id}</td>
                  <td>{k.scope === 'write' ? 'read and publish' : 'read only'}</td>
                  <td className="small">{k.last_used_at === null ? 'never' : formatWhen(k.last_used_at, now)}</td>
                  <td>
                    {k.revoked_at !== null ? (
                      <span className="pill">revoked</span>
                    ) : (
                      <button type="button" onClick={() => void revoke(k.id)} aria-label={`Revoke key ${k.name}`}>
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
