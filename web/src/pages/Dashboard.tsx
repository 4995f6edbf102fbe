import type { Dashboard as DashboardData, StatusRow } from '../../../src/dashboard/schema.ts';
import { ELECTION_FUNCTIONS } from '../../../src/domain/election.ts';
import { TLP_LEVELS } from '../../../src/domain/tlp.ts';
import { useState } from 'react';
import { LiveIndicator } from '../components/LiveIndicator.tsx';
import { TlpBadge } from '../components/TlpBadge.tsx';
import { Loading, ProblemBox } from '../components/Status.tsx';
import { UsMap } from '../components/UsMap.tsx';
import { itemTitle, splitByType, statusWhen } from '../dashboard-words.ts';
import { count, formatWhen, FUNCTION_LABELS, plural, shortId, STATUS_LABELS, typeLabel } from '../format.ts';
import { TLP_MEANING } from '../sharing-rules.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useGet } from '../use-api.ts';
import { useLiveFeed } from '../use-live.ts';

export function Dashboard() {
  const { me } = useSession();
  const [version, setVersion] = useState(0);
  const data = useGet<DashboardData>('/api/v1/dashboard', version);
  const live = useLiveFeed();
  if (data.state === 'loading') return <Loading what="the dashboard" />;
  if (data.state === 'error') return <ProblemBox problem={data.problem} />;
  const d = data.value;
  const now = new Date();
  const byType = splitByType(d.by_type);
  return (
    <div className="dashboard">
      <div className="page-head">
        <div>
          <h1>
            Dashboard <LiveIndicator feed={live} onShowNew={() => setVersion((v) => v + 1)} />
          </h1>
          <p className="muted">
            Everything here is what {me?.orgName ?? 'your organization'} may see: your own reports and what others shared with you.
          </p>
        </div>
        <Link to="/report" className="button primary big">
          Report an incident or rumour
        </Link>
      </div>

      <section className="card">
        <h2>
          Open incidents by state <span className="pill">{plural(d.open_incidents, 'open incident')}</span>
        </h2>
        <UsMap counts={d.open_incidents_by_state} what="open incidents" />
        {d.open_incidents_without_state > 0 ? (
          <p className="muted small">{plural(d.open_incidents_without_state, 'open incident')} without a state are not on the map.</p>
        ) : null}
        {d.truncated ? <p className="notice small">Counts cover the first {count(d.scanned)} items you can see.</p> : null}
      </section>

      <section className="card">
        <h2>Election-day status</h2>
        <StatusBoard rows={d.status_board} now={now} />
      </section>

      <div className="grid-2">
        <section className="card">
          <h2>Latest shared with you</h2>
          {d.latest_shared.length === 0 ? (
            <p className="muted">Nothing has been shared with you yet.</p>
          ) : (
            <ul className="item-list">
              {d.latest_shared.map((item) => (
                <li key={item.id}>
                  <TlpBadge tlp={item.tlp} />
                  <span className="type-tag">{typeLabel(item.type)}</span>
                  <Link to={`/intel/${encodeURIComponent(item.id)}`}>{itemTitle(item)}</Link>
                  <span className="when">{formatWhen(item.modified, now)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <div className="stack">
        <section className="card">
          <h2>By TLP</h2>
          <p className="muted small">
            TLP (Traffic Light Protocol) is how widely the owner lets an item travel, from CLEAR (anyone) to RED (named people only).
          </p>
          <ul className="tlp-counts">
            {TLP_LEVELS.map((tlp) => (
              <li key={tlp} title={TLP_MEANING[tlp]}>
                <TlpBadge tlp={tlp} />
                <span className="big-number" data-tlp={tlp}>
                  {count(d.by_tlp[tlp])}
                </span>
              </li>
            ))}
          </ul>
        </section>
        <section className="card">
          <h2>By type</h2>
          <TypeCounts rows={byType.shared} />
          {byType.reference.length === 0 ? null : (
            <details className="raw">
              <summary>Reference vocabulary of the knowledge base ({plural(byType.reference.length, 'type')})</summary>
              <TypeCounts rows={byType.reference} />
            </details>
          )}
        </section>
        </div>
      </div>
    </div>
  );
}

function StatusBoard(props: { readonly rows: readonly StatusRow[]; readonly now: Date }) {
  if (props.rows.length === 0) return <p className="muted">No election-day status has been shared with you.</p>;
  const used = ELECTION_FUNCTIONS.filter((f) => props.rows.some((r) => r.functions[f] !== undefined));
  return (
    <div className="table-scroll">
      <table className="status-board">
        <thead>
          <tr>
            <th>Jurisdiction</th>
            {used.map((f) => (
              <th key={f}>{FUNCTION_LABELS[f]}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr key={r.id} className={`worst-${r.worst}`}>
              <td>
                <Link to={`/intel/${encodeURIComponent(r.id)}`}>{r.jurisdiction_name ?? `Jurisdiction ${shortId(r.jurisdiction_ref)}`}</Link>
                <div className="muted small">{statusWhen(r.election_date, r.modified, props.now)}</div>
                {r.summary === null ? null : <div className="small">{r.summary}</div>}
              </td>
              {used.map((f) => {
                const level = r.functions[f];
                return (
                  <td key={f} data-label={FUNCTION_LABELS[f]}>
                    {level === undefined ? <span className="muted">—</span> : <span className={`status status-${level}`}>{STATUS_LABELS[level]}</span>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TypeCounts(props: { readonly rows: readonly { readonly type: string; readonly count: number }[] }) {
  return (
    <table className="counts">
      <tbody>
        {props.rows.map((row) => (
          <tr key={row.type}>
            <td>
              <Link to={`/intel?type=${encodeURIComponent(row.type)}`}>{typeLabel(row.type)}</Link>
            </td>
            <td className="num">{count(row.count)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
