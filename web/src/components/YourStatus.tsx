import { STATUS_LEVELS } from '../../../src/domain/election.ts';
import type { ApiResponse } from '../api.ts';
import { notNormalWords, troubleNearby } from '../election-words.ts';
import { formatWhen } from '../format.ts';
import { Link } from '../router.tsx';
import { LevelBadge } from './StatusMap.tsx';

type MyStatus = ApiResponse<'/api/v1/elections/{id}/my-status'>;
type StateRollup = ApiResponse<'/api/v1/elections/{id}/rollup/{state}'>;

const SHOWN = 3;

/**
 * What an office that reports needs first on election day: its own status (level, when posted, overdue or not) with the
 * way to post, and what is wrong around it (its state's jurisdictions in trouble, its county's first). `state` is its
 * state's roll-up, or null while it loads.
 */
export function YourStatus(props: {
  readonly electionId: string;
  /** The page's now, which its other times are measured from too. */
  readonly now: Date;
  readonly mine: MyStatus;
  readonly state: StateRollup | null;
  readonly onSeeAll: (() => void) | null;
}) {
  const j = props.mine.jurisdiction;
  if (j === null) return null;
  const id = encodeURIComponent(props.electionId);
  const row = props.state?.jurisdictions.find((r) => r.id === j.id);
  const last = props.mine.last;
  const trouble = props.state === null ? [] : troubleNearby(props.state.jurisdictions, j);
  const stateName = props.state?.state.name ?? 'your state';
  return (
    <section className="card your-status" aria-labelledby="your-status-heading">
      <h2 id="your-status-heading">Your status</h2>
      <p className="your-status-line">
        {row === undefined ? null : <LevelBadge level={row.level} />}{' '}
        {last === null ? (
          <strong>You have not posted a status for this election yet.</strong>
        ) : (
          <>
            Posted {formatWhen(last.reported_at, props.now)}.{row?.stale === true ? <strong> Overdue: post an update.</strong> : null}
          </>
        )}
      </p>
      {last === null || last.summary === null || last.summary === undefined || last.summary === '' ? null : <p className="muted small">“{last.summary}”</p>}
      <Link to={`/elections/${id}/status`} className="button primary big">
        Post your status
      </Link>
      <h3>What is wrong nearby</h3>
      {props.state === null ? (
        <p className="muted small">Looking at {stateName}…</p>
      ) : trouble.length === 0 ? (
        <p className="small">No other jurisdiction of {stateName} shared with you reports a problem.</p>
      ) : (
        <ul className="trouble-nearby" aria-label={`Trouble in ${stateName}`}>
          {trouble.slice(0, SHOWN).map((t) => {
            const worst = Object.entries(t.functions)
              .filter(([, level]) => level !== 'normal')
              .sort(([, a], [, b]) => STATUS_LEVELS.indexOf(b) - STATUS_LEVELS.indexOf(a))[0];
            const words = worst === undefined ? null : notNormalWords(worst[0], worst[1], t.details[worst[0]]);
            return (
              <li key={t.id}>
                <LevelBadge level={t.level} /> <Link to={`/elections/${id}?state=${j.state_fips}&timeline=${encodeURIComponent(t.id)}`}>{t.name}</Link>
                {words === null ? null : <div className="small">{words.what}{words.said === null ? '' : ` ${words.said}`}</div>}
              </li>
            );
          })}
        </ul>
      )}
      {trouble.length > SHOWN || props.onSeeAll === null ? (
        props.onSeeAll === null ? (
          <Link to={`/elections/${id}?state=${j.state_fips}`}>See all of {stateName}</Link>
        ) : (
          <button type="button" className="link" onClick={props.onSeeAll}>
            See every jurisdiction of {stateName} that needs attention
          </button>
        )
      ) : null}
    </section>
  );
}
