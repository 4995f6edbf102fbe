import { useState, type FormEvent } from 'react';
import { call, type ApiProblem, type ApiResponse } from '../../api.ts';
import { LoadedTable } from '../../components/DataTable.tsx';
import { ProblemBox } from '../../components/Status.tsx';
import { keyColumns } from './key-columns.tsx';
import { useRouteReload } from './reload.ts';

/** My API keys: a new key is shown once, with a copy button; the list shows last use; revoke is immediate. */
export function ApiKeys(props: { readonly onChange?: () => void }) {
  const [keys, reload] = useRouteReload('/api/v1/keys');
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'read' | 'write'>('read');
  const [created, setCreated] = useState<{ readonly name: string; readonly key: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    const res = await call('post', '/api/v1/keys', { body: { name, scope } });
    if (!res.ok) return setProblem(res.error);
    setCreated({ name: res.value.name, key: res.value.key });
    setCopied(false);
    setName('');
    reload();
    props.onChange?.();
  };
  const revoke = async (id: string) => {
    const res = await call('delete', '/api/v1/keys/{id}', { params: { id } });
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
      <LoadedTable
        what="your keys"
        rows={keys}
        className="wide-first keys-table"
        rowKey={(k) => k.id}
        empty={{ text: 'No keys yet.', inTable: true }}
        columns={[
          { header: 'Name', cell: (k) => k.name },
          { header: 'Key id', cell: (k) => k.id, className: 'mono small' },
          ...keyColumns<ApiResponse<'/api/v1/keys'>[number]>(now, (k) => void revoke(k.id), (k) => `Revoke key ${k.name}`),
        ]}
      />
    </section>
  );
}
