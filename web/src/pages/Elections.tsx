import '../election-day.css';
import { PHASE_TEXT } from '../../../src/domain/election.ts';
import { Loading, ProblemBox } from '../components/Status.tsx';
import { TlpBadge } from '../components/TlpBadge.tsx';
import { recordedByWords } from '../election-words.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { placeByFips } from '../states.ts';
import { useRoute } from '../use-api.ts';

const day = (date: string) => new Date(`${date}T12:00:00Z`).toLocaleDateString('en-US', { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });

/** Elections shared with the reader, the ones under way and upcoming first. */
export function Elections() {
  const list = useRoute('/api/v1/elections');
  const session = useSession();
  if (list.state === 'loading') return <Loading what="elections" />;
  if (list.state === 'error') return <ProblemBox problem={list.problem} />;
  const items = list.value.items;
  return (
    <div>
      <div className="page-head">
        <div>
          <h1>Election day</h1>
          <p className="muted">Elections shared with you. Open one to see whether anything threatens voting, vote counting or tallying, and to post your own status.</p>
        </div>
      </div>
      {items.length === 0 ? (
        <div className="card">
          <p>No election has been shared with you yet. Your state election office records its elections; a hub administrator records national ones.</p>
        </div>
      ) : (
        <ul className="election-list">
          {items.map((e) => (
            <li key={e.id} className="card">
              <h2>
                <Link to={`/elections/${encodeURIComponent(e.id)}`}>{e.name}</Link> <TlpBadge tlp={e.tlp} />
              </h2>
              <p>
                {day(e.election_date)}
                {e.phase === null ? null : <span className="pill phase-pill">{PHASE_TEXT[e.phase]} under way</span>}
              </p>
              <p className="muted small">
                {e.state_fips.length > 3 ? `${e.state_fips.length} states and territories` : e.state_fips.map((f) => placeByFips(f)?.name ?? f).join(', ')} · {recordedByWords(e, session.me?.orgId ?? null)}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
