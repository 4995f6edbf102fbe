import { useState } from 'react';
import { LoadedTable } from '../../components/DataTable.tsx';
import { formatWhen } from '../../format.ts';
import { query } from '../../api.ts';
import { mapLoadable, useRoute } from '../../use-api.ts';
import { Link } from '../../router.tsx';
import { auditAction, auditObjectWords, isStixId } from '../../settings-words.ts';

/** What my organization's people did and what was done with its objects, newest page by page. */
export function Audit(props: { readonly people: ReadonlyMap<string, string> }) {
  const [after, setAfter] = useState<number | null>(null);
  const [history, setHistory] = useState<(number | null)[]>([]);
  const res = useRoute('/api/v1/org/audit', { query: query({ after, limit: 50 }) });
  const now = new Date();
  return (
    <section className="card" id="audit">
      <h2>Audit trail</h2>
      <LoadedTable
        what="the audit trail"
        rows={mapLoadable(res, (page) => page.entries)}
        className="audit-table"
        rowKey={(e) => e.seq}
        columns={[
          { header: '#', cell: (e) => e.seq, className: 'small' },
          { header: 'When', cell: (e) => formatWhen(e.at, now), className: 'small when' },
          { header: 'Who', cell: (e) => (e.actor_user === null ? 'Rampart' : (props.people.get(e.actor_user) ?? 'Someone outside your organization')), className: 'small who-cell' },
          { header: 'What', cell: (e) => auditAction(e.action), className: 'what-cell' },
          {
            header: 'Object',
            cell: (e) => (e.object_id !== null && isStixId(e.object_id) ? <Link to={`/intel/${encodeURIComponent(e.object_id)}`} title={e.object_id}>
                  {auditObjectWords(e.object_id)}
                </Link> : (e.object_id ?? '')),
            className: 'small',
          },
        ]}
      />
      {res.state === 'ready' ? (
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
      ) : null}
    </section>
  );
}
