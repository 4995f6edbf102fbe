import '../election-day.css';
import { TLP_LEVELS } from '../../../src/domain/tlp.ts';
import { PHASE_TEXT } from '../../../src/domain/election.ts';
import { useState } from 'react';
import { LiveIndicator } from '../components/LiveIndicator.tsx';
import { TlpBadge } from '../components/TlpBadge.tsx';
import { Loading, ProblemBox } from '../components/Status.tsx';
import { UsMap } from '../components/UsMap.tsx';
import { itemTitle } from '../dashboard-words.ts';
import { count, formatWhen, plural, typeLabel } from '../format.ts';
import { TLP_MEANING } from '../sharing-rules.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useRoute } from '../use-api.ts';
import { useLiveFeed } from '../use-live.ts';
import { useTitles } from '../use-titles.ts';

export function Dashboard() {
  const { me } = useSession();
  const [version, setVersion] = useState(0);
  const data = useRoute('/api/v1/dashboard', { version });
  const live = useLiveFeed();
  // Notes, sightings and other unnamed items: the server titles them (a note by its text, "Sighting of … by …"), never "Note (dd56821d…)".
  const titles = useTitles(data.state === 'ready' ? data.value.latest_shared.filter((i) => i.name === null).map((i) => i.id) : []);
  if (data.state === 'loading') return <Loading what="the dashboard" />;
  if (data.state === 'error') return <ProblemBox problem={data.problem} />;
  const d = data.value;
  const now = new Date();
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
        {/* First on a phone: on election day a clerk comes here to post a status. */}
        <h2>Election-day status</h2>
        <p>
          Whether anything threatens voting, vote counting or tallying, state by state and county by county, with the reports behind each answer:{' '}
          <Link to="/elections">open Election day</Link>.
        </p>
        <ElectionsUnderWay />
      </section>

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
                  <Link to={`/intel/${encodeURIComponent(item.id)}`}>{titles.get(item.id) ?? itemTitle(item)}</Link>
                  <span className="when" title="When it was shared with the hub">{formatWhen(item.shared_at, now)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <div className="stack">
        <section className="card">
          <h2>By TLP</h2>
          <p className="muted small">
            The items of your Intelligence list, shared with you or your own, by TLP (Traffic Light Protocol): how widely the owner lets an item travel, from CLEAR (anyone) to
            RED (named people only).
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
          {d.by_type.length > 0 ? <TypeCounts rows={d.by_type} /> : <p className="muted">{d.listed_elsewhere.length === 0 ? 'No member has shared anything with you yet.' : 'Nothing in your Intelligence list yet.'}</p>}
          {d.listed_elsewhere.length === 0 ? null : <ListedElsewhere rows={d.listed_elsewhere} />}
          {d.reference_items === 0 ? null : (
            <details className="raw">
              <summary>Reference library: {plural(d.reference_items, 'item')} (ATT&amp;CK, DISARM, TLP markings, the Rampart extension, member organizations), not counted above</summary>
              <TypeCounts rows={d.reference_by_type} />
            </details>
          )}
        </section>
        </div>
      </div>
    </div>
  );
}

/**
 * What the Intelligence list leaves out unless its type is chosen, and so the counts above: election-day status reports
 * (on the Election day pages) and relationships (on the items they link), each with where to read it.
 */
function ListedElsewhere(props: { readonly rows: readonly { readonly type: string; readonly count: number }[] }) {
  return (
    <p className="muted small listed-elsewhere">
      Not counted above:{' '}
      {props.rows.map((row, i) => (
        <span key={row.type}>
          {i === 0 ? '' : '; '}
          {row.type === 'x-rampart-status-report' ? (
            <>
              {plural(row.count, 'election-day status report')}, on <Link to="/elections">Election day</Link>
            </>
          ) : row.type === 'relationship' ? (
            <>
              {plural(row.count, 'link')} between items, on the items they link (
              <Link to="/intel?type=relationship">list them</Link>)
            </>
          ) : (
            <>
              <Link to={`/intel?type=${encodeURIComponent(row.type)}`}>{typeLabel(row.type)}</Link> {count(row.count)}
            </>
          )}
        </span>
      ))}
      .
    </p>
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

/**
 * The elections with a phase under way, each a link to its answers and, for an election office taking part, straight
 * to its status form: on election day a clerk posts from the dashboard in one tap instead of three pages.
 */
function ElectionsUnderWay() {
  const list = useRoute('/api/v1/elections');
  if (list.state !== 'ready') return null;
  const now = list.value.items.filter((e) => e.phase !== null);
  if (now.length === 0) return null;
  return (
    <ul className="elections-now">
      {now.map((e) => (
        <ElectionNow key={e.id} id={e.id} name={e.name} phase={e.phase === null ? '' : PHASE_TEXT[e.phase]} />
      ))}
    </ul>
  );
}

function ElectionNow(props: { readonly id: string; readonly name: string; readonly phase: string }) {
  const mine = useRoute('/api/v1/elections/{id}/my-status', { params: { id: props.id } });
  const path = `/elections/${encodeURIComponent(props.id)}`;
  return (
    <li>
      <Link to={path}>{props.name}</Link> <span className="pill phase-pill">{props.phase} under way</span>
      {mine.state === 'ready' && mine.value.jurisdiction !== null ? (
        <Link to={`${path}/status`} className="button primary">
          Post your status
        </Link>
      ) : null}
    </li>
  );
}
