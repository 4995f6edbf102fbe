import '../election-day.css';
import { Fragment, useEffect, useRef, useState } from 'react';
import { ELECTION_QUESTIONS, functionLabel, isElectionFunction, PHASE_TEXT, QUESTION_TEXT, ROLLUP_LEVELS, STATUS_LEVEL_TEXT, STATUS_LEVELS, type ElectionQuestion, type RollupLevel } from '../../../src/domain/election.ts';
import { call, query, type ApiProblem, type ApiResponse } from '../api.ts';

import { LiveIndicator } from '../components/LiveIndicator.tsx';
import { YourStatus } from '../components/YourStatus.tsx';
import { ScrollArea } from '../components/ScrollArea.tsx';
import { Section, usePhone } from '../components/Section.tsx';
import { LevelBadge, LevelLegend, StatusMap } from '../components/StatusMap.tsx';
import { Loading, ProblemBox } from '../components/Status.tsx';
import { ANSWER_WORDS, answerReason, countsWords, noReportWords, notNormalWords, overdueWords, reportLinkWords, silentStatesWords, statesByConcern } from '../election-words.ts';
import { formatWhen } from '../format.ts';
import { Link, navigate } from '../router.tsx';
import { placeByFips } from '../states.ts';
import { useRoute } from '../use-api.ts';
import { choicesWith, everyWords } from '../expectation-words.ts';
import { refreshDelayMs } from '../live.ts';
import { useLiveFeed } from '../use-live.ts';
import { useKept } from '../use-kept.ts';
import { useServerNow } from '../use-now.ts';
import { useTitles } from '../use-titles.ts';

type RollupView = ApiResponse<'/api/v1/elections/{id}/rollup'>;
type StateRollupView = ApiResponse<'/api/v1/elections/{id}/rollup/{state}'>;
type TimelineView = ApiResponse<'/api/v1/elections/{id}/timeline'>;

const STATUS_TYPES = new Set(['x-rampart-status-report', 'x-rampart-election']);

/** How long the page goes without reading again when no news comes. */
const REREAD_MS = 5 * 60_000;

/** One election: the three questions, the map (nation or one state's counties), its text equivalent, and the timeline. */
export function ElectionDay(props: { readonly id: string; readonly state: string | null; readonly timeline?: string | null; readonly posted?: boolean }) {
  const [version, setVersion] = useState(0);
  // Kept here: the settings box is drawn again once the state's numbers reload after a change.
  const [settingsSaved, setSettingsSaved] = useState<string | null>(null);
  const live = useLiveFeed();
  const phone = usePhone();
  const [filter, setFilter] = useState<LevelFilter>('all');
  const newest = live.items[0];
  // A status or election change shared with this reader refreshes the page: the map is watched all day. At once
  // when the page last read more than a few seconds ago, else once at the end of those seconds for every arrival
  // meanwhile (on a busy day hundreds of counties report a minute).
  const lastRead = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => {
    if (newest === undefined || !STATUS_TYPES.has(newest.type)) return;
    live.markSeen();
    if (pending.current !== undefined) return;
    pending.current = setTimeout(() => {
      pending.current = undefined;
      lastRead.current = Date.now();
      setVersion((v) => v + 1);
    }, refreshDelayMs(Date.now(), lastRead.current));
    // Only a new item refreshes; markSeen is a fresh function each render.
  }, [newest?.id, newest?.modified]);
  useEffect(() => () => clearTimeout(pending.current), []);
  // The server says which reports are overdue: with no news, the page reads again every few minutes, so that its levels
  // keep up with its "N minutes ago".
  useEffect(() => {
    const timer = setTimeout(() => setVersion((v) => v + 1), REREAD_MS);
    return () => clearTimeout(timer);
  }, [version]);
  const params = { id: props.id };
  // Each read again shows what it read before until the new answer comes (useKept): a refresh never blanks the page
  // under its reader, nor scrolls them back to the top.
  const rollup = useKept(useRoute('/api/v1/elections/{id}/rollup', { params, version }), props.id);
  const state = useKept(useRoute('/api/v1/elections/{id}/rollup/{state}', { params: { ...params, state: props.state ?? '' }, version, skip: props.state === null }), `${props.id}/${props.state}`);
  // One jurisdiction's timeline when its name was chosen in the state's list, else the state's (or the nation's).
  const timelineOf = props.state === null ? null : (props.timeline ?? null);
  const timelineQuery = query({ limit: 30, state: props.state, jurisdiction: timelineOf });
  const timeline = useKept(useRoute('/api/v1/elections/{id}/timeline', { params, query: timelineQuery, version }), `${props.id}${timelineQuery}`);
  useEffect(() => {
    if (timelineOf !== null) document.querySelector('.timeline-section')?.scrollIntoView({ block: 'start' });
  }, [timelineOf]);
  const mine = useKept(useRoute('/api/v1/elections/{id}/my-status', { params, version }), props.id);
  // The reader's own state, for "Your status" and what is wrong nearby: the page's state when it is that one.
  const myFips = mine.state === 'ready' ? (mine.value.jurisdiction?.state_fips ?? null) : null;
  // Folded on a phone unless the reader is known not to be a local office of this state (folded while that is loading,
  // so the list does not close under a reader who already opened it): a county's or a town's clerk.
  const myRow = mine.state === 'ready' && state.state === 'ready' ? state.value.jurisdictions.find((j) => j.id === mine.value.jurisdiction?.id) : undefined;
  const knownNotLocal = mine.state === 'ready' && (mine.value.jurisdiction === null || (state.state === 'ready' && myRow?.kind !== 'local'));
  const foldList = phone && !knownNotLocal;
  const myState = useKept(useRoute('/api/v1/elections/{id}/rollup/{state}', { params: { ...params, state: myFips ?? '' }, version, skip: myFips === null || myFips === props.state }), `${props.id}/${myFips}`);
  // One now for every "N minutes ago" on the page (the header, Your status, the lists, the timeline), moved on every
  // minute: the page is left open all day.
  const now = useServerNow(rollup.state === 'ready' ? rollup.value.generated_at : null);
  if (rollup.state === 'loading') return <Loading what="the election" />;
  if (rollup.state === 'error') return <ProblemBox problem={rollup.problem} />;
  const r = rollup.value;
  const stateRow = props.state === null ? undefined : r.states.find((s) => s.state_fips === props.state);
  const questions = props.state !== null && state.state === 'ready' ? state.value.questions : r.questions;
  const where = stateRow === undefined ? 'nationally' : `in ${stateRow.name}`;
  const byCounty = new Map<string, StateRollupView['jurisdictions'][number]>();
  if (state.state === 'ready') for (const j of state.value.jurisdictions) if (j.county_fips !== null && j.required && j.shared) byCounty.set(j.county_fips, j);
  // Local offices whose status the reader does not see: the answers leave them out, and say so.
  const notShared = props.state !== null && state.state === 'ready' ? state.value.state.not_shared : r.states.reduce((n, s) => n + (s.declined ? 0 : s.not_shared), 0);
  const timelineName = timelineOf === null || state.state !== 'ready' ? null : (state.value.jurisdictions.find((j) => j.id === timelineOf)?.name ?? null);
  const levels = new Map(r.states.filter((s) => !s.declined && s.worst !== null).map((s) => [s.state_fips, s.worst ?? 'no-report']));
  return (
    <div className="election-day">
      <div className="page-head">
        <div>
          <p className="muted small">
            <Link to="/elections">Election day</Link>
            {stateRow === undefined ? null : (
              <>
                {' '}
                › <Link to={`/elections/${encodeURIComponent(props.id)}`}>{r.election.name}</Link>
              </>
            )}
          </p>
          <h1>
            {stateRow === undefined ? r.election.name : stateRow.name} <LiveIndicator feed={live} onShowNew={() => setVersion((v) => v + 1)} />
          </h1>
          <p className="muted">
            {r.phase === null ? 'No phase under way' : `${PHASE_TEXT[r.phase.phase]} under way`} · what you see is what was shared with you · updated {formatWhen(r.generated_at, now)}
          </p>
        </div>
      </div>
      {props.posted === true ? (
        <p className="success" role="status">
          Your status was sent. Everyone it is shared with sees it now{props.state === null ? '' : ', and it is counted below'}.
        </p>
      ) : null}

      {mine.state === 'ready' && mine.value.jurisdiction !== null ? (
        <YourStatus
          electionId={props.id}
          now={now}
          mine={mine.value}
          state={myFips === props.state ? (state.state === 'ready' ? state.value : null) : myState.state === 'ready' ? myState.value : null}
          onSeeAll={
            myFips !== props.state
              ? null
              : () => {
                  setFilter('attention');
                  setTimeout(() => document.querySelector('.jurisdictions-section')?.scrollIntoView({ block: 'start' }), 50);
                }
          }
        />
      ) : null}

      <section className="questions" aria-label={`The three questions, ${where}`}>
        {ELECTION_QUESTIONS.map((q) => (
          <QuestionCard key={q} q={q} answer={questions[q]} notShared={notShared} phone={phone} />
        ))}
      </section>

      {props.state !== null && state.state === 'ready' ? <StateSummary s={state.value} filter={filter} onFilter={setFilter} /> : null}

      {props.state !== null && state.state === 'ready' ? (
        // On a local office's phone the long list starts folded (it was most of an 8,000-pixel page; the clerk's own status
        // and what is wrong nearby come first); choosing a level above opens it on those. A state or federal office watches
        // the list itself, so it stays open for them.
        <Section key={foldList ? `jurisdictions-${filter}` : 'jurisdictions'} title={`${state.value.state.name}: each jurisdiction`} open={!foldList || filter !== 'all'} className="jurisdictions-section">
          <JurisdictionsTable s={state.value} now={now} filter={filter} timelineOf={(j) => `/elections/${encodeURIComponent(props.id)}?state=${props.state ?? ''}&timeline=${encodeURIComponent(j)}`} />
          <p className="small">
            <Link to={`/elections/${encodeURIComponent(props.id)}/expectations?state=${props.state}`}>How often each jurisdiction must report, phase by phase</Link>
          </p>
        </Section>
      ) : null}

      <Section title={stateRow === undefined ? 'States by their worst level' : `Map of ${stateRow.name}’s counties`} open={!phone || props.state === null} className="map-section">
        <div className="map-wrap">
          {props.state === null ? (
            <StatusMap
              stateFips={null}
              levelOf={(fips) => levels.get(fips)}
              label="Map of the states taking part, each filled by the worst level among its jurisdictions; the table below says the same in words"
              onSelect={(fips) => (levels.has(fips) ? navigate(`/elections/${encodeURIComponent(props.id)}?state=${fips}`) : undefined)}
            />
          ) : state.state === 'ready' ? (
            <StatusMap
              stateFips={props.state}
              levelOf={(fips) => byCounty.get(fips)?.level}
              label={`Map of the counties of ${stateRow?.name ?? props.state}, each filled by its level; the list of jurisdictions says the same in words`}
            />
          ) : state.state === 'error' ? (
            <ProblemBox problem={state.problem} />
          ) : (
            <Loading what="the state" />
          )}
          <aside className="map-side">
            <h3>Legend</h3>
            <LevelLegend />
            <p className="muted small">No report is hatched and outlined: silence is never shown as normal.</p>
          </aside>
        </div>
        {props.state === null ? <StatesTable r={r} id={props.id} now={now} /> : null}
      </Section>

      {props.state !== null && state.state === 'ready' && mine.state === 'ready' && state.value.jurisdictions.some((j) => j.id === mine.value.jurisdiction?.id && j.kind !== 'local') ? (
        <Section title="Your state’s reporting" open={!phone} className="state-settings-section">
          <StateSettings
            id={props.id}
            s={state.value}
            saved={settingsSaved}
            version={version}
            onChanged={(note) => {
              setSettingsSaved(note);
              setVersion((v) => v + 1);
            }}
          />
        </Section>
      ) : null}

      <Section key={timelineOf ?? 'all'} title={stateRow === undefined ? 'Timeline' : `Timeline: ${timelineName ?? stateRow.name}`} open={!phone || timelineOf !== null} className="timeline-section">
        {timelineOf === null || stateRow === undefined ? null : (
          <p className="small">
            <Link to={`/elections/${encodeURIComponent(props.id)}?state=${stateRow.state_fips}`}>Show all of {stateRow.name}’s timeline</Link>
          </p>
        )}
        {timeline.state === 'ready' ? <Timeline t={timeline.value} now={now} /> : timeline.state === 'error' ? <ProblemBox problem={timeline.problem} /> : <Loading what="the timeline" />}
      </Section>
    </div>
  );
}

/** For the state office: how often its jurisdictions report on election day (shown as it stands), or that the state does not report on this election. */
function StateSettings(props: { readonly id: string; readonly s: StateRollupView; readonly saved: string | null; readonly version: number; readonly onChanged: (note: string) => void }) {
  const fips = props.s.state.state_fips;
  const expectations = useKept(useRoute('/api/v1/elections/{id}/expectations', { params: { id: props.id }, query: `?state=${fips}`, version: props.version }), `${props.id}/${fips}`);
  const day = expectations.state === 'ready' ? expectations.value.phases.find((p) => p.phase === 'election-day') : undefined;
  // What the state has now ('' : as the election says), until the person picks something else.
  const current = day === undefined || day.state_minutes === null ? '' : String(day.state_minutes);
  const [every, setEvery] = useState<string | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const saved = props.saved;
  const chosen = every ?? current;
  const put = async (body: { report_every_minutes?: number | null; declined?: boolean; phase?: 'election-day' }, done: string) => {
    setProblem(null);
    const res = await call('put', '/api/v1/elections/{id}/expectations', { params: { id: props.id }, body: { state_fips: fips, ...body } });
    if (!res.ok) {
      setProblem(res.error);
      return;
    }
    setEvery(null);
    props.onChanged(done);
  };
  return (
    <div className="state-settings">
      {props.s.state.declined ? (
        <p>
          {props.s.state.name} does not report on this election.{' '}
          <button type="button" onClick={() => void put({ declined: false }, 'Reporting resumed.')}>
            Resume reporting
          </button>
        </p>
      ) : day === undefined ? (
        expectations.state === 'error' ? null : <Loading what="how often your jurisdictions report" />
      ) : (
        <>
          <label className="inline-field">
            On election day, your jurisdictions report
            <select value={chosen} onChange={(e) => setEvery(e.target.value)}>
              <option value="">as the election says ({everyWords(day.election_minutes)})</option>
              {choicesWith(day.state_minutes).map((m) => (
                <option key={m} value={String(m)}>
                  {everyWords(m)}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            disabled={chosen === current}
            onClick={() => {
              const minutes = chosen === '' ? null : Number(chosen);
              void put({ phase: 'election-day', report_every_minutes: minutes }, `Saved: on election day your jurisdictions report ${everyWords(minutes ?? day.election_minutes)}; a report older than that shows as overdue.`);
            }}
          >
            Save
          </button>{' '}
          <button
            type="button"
            className="danger"
            onClick={() => {
              if (window.confirm(`Stop counting ${props.s.state.name} in this election? Its jurisdictions will show as not taking part.`)) void put({ declined: true }, 'Declined.');
            }}
          >
            Decline to report on this election
          </button>
        </>
      )}
      {saved === null ? null : <p className="small" role="status">{saved}</p>}
      {problem === null ? null : <ProblemBox problem={problem} />}
      {expectations.state === 'error' ? <ProblemBox problem={expectations.problem} /> : null}
      <p className="small">
        <Link to={`/elections/${encodeURIComponent(props.id)}/expectations?state=${fips}`}>Set them phase by phase, or for one jurisdiction</Link>
      </p>
    </div>
  );
}

function QuestionCard(props: { readonly q: ElectionQuestion; readonly answer: RollupView['questions'][ElectionQuestion]; readonly notShared: number; readonly phone: boolean }) {
  const a = props.answer;
  const shown = a.answer === 'yes' ? a.reports.slice(0, 5) : [];
  // Each link names its report ("Election-day status of Door County, WI: voting disrupted"), never a row of identical "See the report".
  const titles = useTitles(shown);
  return (
    <div className={`card question answer-${a.answer}`} data-question={props.q} data-answer={a.answer}>
      <p className="question-text">{QUESTION_TEXT[props.q]}</p>
      <p className="answer">{ANSWER_WORDS[a.answer]}</p>
      <p className="small">{answerReason(a.answer, a.report_count, a.silent, props.notShared)}</p>
      {shown.length === 0 ? null : props.phone ? (
        // A phone folds the reports behind the answer, so that the three answers fit the first screens.
        <details className="small report-fold">
          <summary>{shown.length === 1 ? 'The report behind it' : `The ${shown.length} reports behind it`}</summary>
          <ReportLinks q={props.q} shown={shown} titles={titles} />
        </details>
      ) : (
        <ReportLinks q={props.q} shown={shown} titles={titles} />
      )}
    </div>
  );
}

function ReportLinks(props: { readonly q: ElectionQuestion; readonly shown: readonly string[]; readonly titles: ReadonlyMap<string, string> }) {
  return (
    <ul className="small report-links" aria-label={`Reports behind “${QUESTION_TEXT[props.q]}”`}>
      {props.shown.map((id, i) => (
        <li key={id}>
          <Link to={`/intel/${encodeURIComponent(id)}`}>{props.titles.get(id) ?? reportLinkWords(i, props.shown.length)}</Link>
        </li>
      ))}
    </ul>
  );
}

function StatesTable(props: { readonly r: RollupView; readonly id: string; readonly now: Date }) {
  const { telling, silent } = statesByConcern(props.r.states);
  const to = (fips: string) => `/elections/${encodeURIComponent(props.id)}?state=${fips}`;
  return (
    <>
      {telling.length === 0 ? null : (
        <table className="data-table states-table">
          <caption className="muted small">States and territories with something to say, worst level first (choose one to see its jurisdictions)</caption>
          <thead>
            <tr>
              <th scope="col">State or territory</th>
              <th scope="col">Worst level</th>
              <th scope="col">Jurisdictions</th>
              <th scope="col">Last report</th>
            </tr>
          </thead>
          <tbody>
            {telling.map((s) => (
              <tr key={s.state_fips} data-fips={s.state_fips} data-level={s.declined ? 'declined' : (s.worst ?? 'none')}>
                <th scope="row" data-label="State">
                  <Link to={to(s.state_fips)}>{s.name}</Link>
                </th>
                <td data-label="Worst level">{s.declined ? <span className="level-badge level-none">Declined to report</span> : <LevelBadge level={s.worst} />}</td>
                <td data-label="Jurisdictions">{s.declined ? '—' : countsWords(s.counts, s.not_shared)}</td>
                <td data-label="Last report">{formatWhen(s.last_report, props.now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {silent.length === 0 ? null : (
        <p className="silent-states">
          <LevelBadge level="no-report" /> {silentStatesWords(silent.length)}{' '}
          {silent.map((s, i) => (
            <Fragment key={s.state_fips}>
              {i === 0 ? null : ', '}
              <Link to={to(s.state_fips)}>
                {s.name}
              </Link>
            </Fragment>
          ))}
        </p>
      )}
    </>
  );
}

/** Which jurisdictions the list shows: all, those needing attention (anything but normal), or one level. */
type LevelFilter = 'all' | 'attention' | RollupLevel;

const shownBy = (filter: LevelFilter, j: StateRollupView['jurisdictions'][number]): boolean =>
  filter === 'all' || (j.required && j.shared && (filter === 'attention' ? j.level !== 'normal' : j.level === filter));

/** The state in one glance, before any map or list: its counts, each a button that narrows the list to it. */
function StateSummary(props: { readonly s: StateRollupView; readonly filter: LevelFilter; readonly onFilter: (f: LevelFilter) => void }) {
  const { counts, declined, name } = props.s.state;
  const attention = ROLLUP_LEVELS.filter((l) => l !== 'normal').reduce((n, l) => n + counts[l], 0);
  const order: readonly RollupLevel[] = ['compromise-confirmed', 'disrupted', 'no-report', 'degraded', 'stale', 'normal'];
  const chip = (f: LevelFilter, label: string, level: RollupLevel | null) => (
    <button key={f} type="button" className={`filter-chip${props.filter === f ? ' chosen' : ''}`} aria-pressed={props.filter === f} onClick={() => props.onFilter(props.filter === f ? 'all' : f)}>
      {level === null ? null : <LevelBadge level={level} />} {label}
    </button>
  );
  return (
    <section className="card state-glance" aria-label={`${name} at a glance`}>
      <p className="state-summary">
        {name}: {declined ? 'declined to report on this election.' : `${countsWords(counts, props.s.state.not_shared)}.`}
      </p>
      {declined ? null : (
        <div className="filter-chips" role="group" aria-label="Show in the list">
          {chip('all', `All (${props.s.jurisdictions.length})`, null)}
          {attention > 0 ? chip('attention', `Needs attention (${attention})`, null) : null}
          {order.filter((l) => counts[l] > 0).map((l) => chip(l, String(counts[l]), l))}
        </div>
      )}
    </section>
  );
}

function JurisdictionsTable(props: { readonly s: StateRollupView; readonly now: Date; readonly filter: LevelFilter; readonly timelineOf: (jurisdiction: string) => string }) {
  const rows = props.s.jurisdictions.filter((j) => shownBy(props.filter, j));
  return (
    <ScrollArea label={`${props.s.state.name}’s jurisdictions, each with its level and last report`}>
      <table className="data-table jurisdictions-table">
        <caption className="muted small">
          {props.filter === 'all' ? 'Each jurisdiction with its level and when it last reported' : `${rows.length} of ${props.s.jurisdictions.length} jurisdictions shown`}
        </caption>
        <thead>
          <tr>
            <th scope="col">Jurisdiction</th>
            <th scope="col">Level</th>
            <th scope="col">Last report</th>
            <th scope="col">Not normal</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((j) => {
            // Worst first, so the row starts with what matters most.
            const bad = Object.entries(j.functions)
              .filter(([, level]) => level !== 'normal')
              .sort(([, a], [, b]) => STATUS_LEVELS.indexOf(b) - STATUS_LEVELS.indexOf(a));
            return (
              <tr key={j.id} data-jurisdiction={j.id} data-level={!j.required ? 'not-taking-part' : j.shared ? j.level : 'not-shared'}>
                <th scope="row" data-label="Jurisdiction">
                  {j.required && j.shared && j.report_id !== null ? (
                    <Link to={props.timelineOf(j.id)} aria-label={`${j.name}: its timeline`}>
                      {j.name}
                    </Link>
                  ) : (
                    j.name
                  )}
                </th>
                <td data-label="Level">
                  {!j.required ? (
                    <span className="level-badge level-none">Not taking part</span>
                  ) : j.shared ? (
                    <LevelBadge level={j.level} />
                  ) : (
                    <span className="level-badge level-none" title="Local offices share their status with their state unless they choose to share it with you">
                      Not shared with you
                    </span>
                  )}
                </td>
                <td data-label="Last report">
                  {j.report_id === null ? noReportWords(j) : <Link to={`/intel/${encodeURIComponent(j.report_id)}`}>{formatWhen(j.reported_at, props.now)}</Link>}
                  {j.stale ? <span className="muted small"> ({overdueWords(j.every_minutes)})</span> : null}
                </td>
                <td data-label="Not normal" className={bad.length === 0 ? 'none' : undefined}>
                  {bad.length === 0 ? (
                    '—'
                  ) : (
                    <ul className="not-normal">
                      {bad.map(([fn, level]) => {
                        const words = notNormalWords(fn, level, j.details[fn]);
                        return (
                          <li key={fn}>
                            <strong>{words.what}.</strong>
                            {words.said === null ? null : <span className="jurisdiction-note"> {words.said}</span>}
                          </li>
                        );
                      })}
                    </ul>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </ScrollArea>
  );
}

function Timeline(props: { readonly t: TimelineView; readonly now: Date }) {
  if (props.t.items.length === 0) return <p className="muted">No status reports shared with you yet.</p>;
  return (
    <ol className="status-timeline">
      {props.t.items.map((i) => (
        <li key={i.report_id}>
          <span className="muted small">{formatWhen(i.reported_at, props.now)}</span> <strong>{i.jurisdiction_name}</strong>
          {withoutState(i.jurisdiction_name, placeByFips(i.state_fips)?.abbr ?? i.state_fips)} <LevelBadge level={i.worst} />
          <span className="small">
            {' '}
            {i.changes.length === 0
              ? 'no change'
              : i.changes
                  .filter((c) => c.from !== null || c.to !== 'normal')
                  .map((c) => `${isElectionFunction(c.function) ? functionLabel(c.function) : c.function} ${c.from === null ? '' : `${STATUS_LEVEL_TEXT[c.from].toLowerCase()} → `}${STATUS_LEVEL_TEXT[c.to].toLowerCase()}`)
                  .join('; ') || 'all normal'}
          </span>
        </li>
      ))}
    </ol>
  );
}

/** The state after a jurisdiction's name, unless the name already ends with it ("Lincoln County, WI"). */
function withoutState(name: string, abbr: string): React.ReactNode {
  return name.endsWith(`, ${abbr}`) ? null : <span className="muted small"> ({abbr})</span>;
}
