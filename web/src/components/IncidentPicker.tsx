import { useEffect, useState } from 'react';
import { call, query } from '../api.ts';
import { formatWhen } from '../format.ts';
import { readObjectRow, type ObjectRow } from '../objects.ts';
import { Link } from '../router.tsx';
import { useRoute } from '../use-api.ts';
import { TlpBadge } from './TlpBadge.tsx';

const SHOWN = 6;

/** Incident names already known on the page, shared by every picker so a name is fetched once. */
export type IncidentNames = ReadonlyMap<string, string>;

/** The names of incidents linked before (pre-filled from the last status), read as the poster may see them. */
export function useIncidentNames(ids: readonly string[]): [IncidentNames, (rows: readonly ObjectRow[]) => void] {
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  const wanted = [...new Set(ids)].filter((id) => !names.has(id)).sort().join(' ');
  useEffect(() => {
    if (wanted === '') return;
    let current = true;
    void Promise.all(
      wanted.split(' ').map(async (id) => {
        const res = await call('get', '/api/v1/objects/{id}', { params: { id } });
        const row = res.ok ? readObjectRow(res.value) : null;
        return [id, row?.name ?? 'An incident not shared with you'] as const;
      }),
    ).then((found) => {
      if (current) setNames((old) => new Map([...old, ...found]));
    });
    return () => {
      current = false;
    };
  }, [wanted]);
  const learn = (rows: readonly ObjectRow[]) => setNames((old) => (rows.every((r) => old.has(r.id)) ? old : new Map([...old, ...rows.map((r) => [r.id, r.name ?? 'Untitled incident'] as const)])));
  return [names, learn];
}

/**
 * Links a function's status to incidents the poster may see: the linked ones as removable chips, and
 * on demand a short list of the newest visible incidents, narrowed by what the poster types.
 */
export function IncidentPicker(props: {
  readonly label: string;
  readonly selected: readonly string[];
  readonly names: IncidentNames;
  readonly learn: (rows: readonly ObjectRow[]) => void;
  readonly onChange: (ids: string[]) => void;
}) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  // Typing narrows the list after a short pause, not on every key.
  useEffect(() => {
    const t = setTimeout(() => setQ(text.trim()), 250);
    return () => clearTimeout(t);
  }, [text]);
  const list = useRoute('/api/v1/objects', { query: query({ type: 'incident', q, order: 'desc', limit: SHOWN }), skip: !open });
  const rows = list.state === 'ready' ? list.value.items.flatMap((i) => { const r = readObjectRow(i); return r === null ? [] : [r]; }) : [];
  const { learn } = props;
  useEffect(() => {
    if (rows.length > 0) learn(rows);
    // Rows are rebuilt each render; the list's answer is what changes.
  }, [list]);
  const toggle = (id: string) => props.onChange(props.selected.includes(id) ? props.selected.filter((x) => x !== id) : [...props.selected, id]);
  const now = new Date();
  return (
    <div className="incident-picker">
      {props.selected.length === 0 ? null : (
        <ul className="linked-incidents" aria-label={`Incidents linked to ${props.label}`}>
          {props.selected.map((id) => (
            <li key={id} className="chip">
              <Link to={`/intel/${encodeURIComponent(id)}`}>{props.names.get(id) ?? 'Incident'}</Link>
              <button type="button" className="chip-remove" aria-label={`Unlink ${props.names.get(id) ?? 'this incident'}`} onClick={() => toggle(id)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {open ? (
        <div className="incident-search">
          <label>
            Find an incident you can see
            <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="words from its title" />
          </label>
          {list.state === 'loading' ? <p className="muted small">Looking…</p> : null}
          {list.state === 'error' ? <p className="muted small">{list.problem.detail}</p> : null}
          {list.state === 'ready' && rows.length === 0 ? <p className="muted small">{q === '' ? 'No incidents are shared with you yet.' : 'No incident shared with you matches.'}</p> : null}
          <ul className="incident-choices">
            {rows.map((r) => (
              <li key={r.id}>
                <label className="check">
                  <input type="checkbox" checked={props.selected.includes(r.id)} onChange={() => toggle(r.id)} />
                  <span className="incident-name">{r.name ?? 'Untitled incident'}</span>
                  <span className="muted small">
                    {r.tlp === null ? null : <TlpBadge tlp={r.tlp} />} {formatWhen(r.modified, now)}
                  </span>
                </label>
              </li>
            ))}
          </ul>
          <button type="button" className="link" onClick={() => setOpen(false)}>
            Done linking
          </button>
        </div>
      ) : (
        <button type="button" className="link" onClick={() => setOpen(true)}>
          {props.selected.length === 0 ? 'Link an incident' : 'Link another incident'}
        </button>
      )}
    </div>
  );
}
