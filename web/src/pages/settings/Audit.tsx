import { useState } from 'react';
import { Loading, ProblemBox } from '../../components/Status.tsx';
import { formatWhen } from '../../format.ts';
import { query } from '../../api.ts';
import { useGet } from '../../use-api.ts';
import { auditAction } from '../../settings-words.ts';

interface AuditEntry {
  readonly seq: number;
  readonly at: string;
  readonly actor_user: string | null;
  readonly action: string;
  readonly object_id: string | null;
}

/** What my organization's people did and what was done with its objects, newest page by page. */
export function Audit(props: { readonly people: ReadonlyMap<string, string> }) {
  const [after, setAfter] = useState<number | null>(null);
  const [history, setHistory] = useState<(number | null)[]>([]);
  const res = useGet<{ entries: AuditEntry[]; next_after: number | null }>(`/api/v1/org/audit${query({ after, limit: 50 })}`);
  const now = new Date();
  return (
    <section className="card" id="audit">
      <h2>Audit trail</h2>
      {res.state === 'loading' ? <Loading what="the audit trail" /> : null}
      {res.state === 'error' ? <ProblemBox problem={res.problem} /> : null}
      {res.state === 'ready' ? (
        <>
          <div className="table-scroll">
            <table className="intel-table audit-table">
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">What</th>
                  <th scope="col">Object</th>
                </tr>
              </thead>
              <tbody>
                {res.value.entries.map((e) => (
                  <tr key={e.seq}>
                    <td className="small">{e.seq}</td>
                    <td className="small">{formatWhen(e.at, now)}</td>
                    <td className="small">{e.actor_user === null ? 'Rampart' : (props.people.get(e.actor_user) ?? 'Someone outside your organization')}</td>
                    <td>{auditAction(e.action)}</td>
                    <td className="mono small">{e.object_id ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="pager">
            <button type="button" disabled={history.length === 0} onClick={() => {
              setAfter(history[history.length - 1] ?? null);
              setHistory(history.slice(0, -1));
            }}>
              Previous
            </button>
            <button type="button" disabled={res.value.next_after === null} onClick={() => {
              setHistory([...history, after]);
              setAfter(res.value.next_after);
            }}>
              More
            </button>
          </div>
        </>
      ) : null}
    </section>
  );
}
