import '../election-day.css';
import { useEffect, useState } from 'react';
import { PHASE_TEXT, type ElectionPhase } from '../../../src/domain/election.ts';
import { call, type ApiProblem, type ApiResponse } from '../api.ts';
import { ScrollArea } from '../components/ScrollArea.tsx';
import { Loading, ProblemBox } from '../components/Status.tsx';
import { choicesWith, everyWords, SOURCE_WORDS } from '../expectation-words.ts';
import { Link } from '../router.tsx';
import { useRoute } from '../use-api.ts';

type ExpectationsView = ApiResponse<'/api/v1/elections/{id}/expectations'>;
type Change = { readonly jurisdiction_ref?: string; readonly phase?: ElectionPhase; readonly report_every_minutes?: number | null; readonly declined?: boolean };

/** "on election day", "during early voting". */
const during = (phase: ElectionPhase) => (phase === 'election-day' ? 'on election day' : `during ${PHASE_TEXT[phase].toLowerCase()}`);

const day = (iso: string) => new Date(iso).toLocaleDateString('en-US', { month: 'short', day: 'numeric' });

/**
 * A state's reporting expectations in an election: how often each of its jurisdictions must report in
 * each phase (from the election unless the state says otherwise), and which take part. The state's own
 * election office (its administrators) changes them; everyone else who sees the election reads them.
 */
export function Expectations(props: { readonly id: string; readonly state: string }) {
  const [version, setVersion] = useState(0);
  const [saved, setSaved] = useState<string | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [filter, setFilter] = useState('');
  const res = useRoute('/api/v1/elections/{id}/expectations', { params: { id: props.id }, query: `?state=${props.state}`, version });
  // After a change the page keeps showing what it had until the new answer comes, instead of blinking.
  const [last, setLast] = useState<ExpectationsView | null>(null);
  // What the person just chose, by control name, shown at once while the server saves it (a control that snaps
  // back until the reload reads as "did not take"); dropped when the server's new answer arrives or it refuses.
  const [pending, setPending] = useState<ReadonlyMap<string, string | boolean>>(new Map());
  useEffect(() => {
    if (res.state !== 'ready') return;
    setLast(res.value);
    setPending(new Map());
  }, [res]);
  if (res.state === 'error') return <ProblemBox problem={res.problem} />;
  const v = res.state === 'ready' ? res.value : last;
  if (v === null) return <Loading what="the reporting expectations" />;
  const electionPath = `/elections/${encodeURIComponent(props.id)}`;
  const change = async (body: Change, done: string, control?: { readonly name: string; readonly value: string | boolean }) => {
    setProblem(null);
    setSaved(null);
    if (control !== undefined) setPending((m) => new Map(m).set(control.name, control.value));
    const put = await call('put', '/api/v1/elections/{id}/expectations', { params: { id: props.id }, body: { state_fips: props.state, ...body } });
    if (!put.ok) {
      setProblem(put.error);
      if (control !== undefined)
        setPending((m) => {
          const next = new Map(m);
          next.delete(control.name);
          return next;
        });
      return;
    }
    setSaved(done);
    setVersion((n) => n + 1);
  };
  const chosen = <T extends string | boolean>(name: string, saved: T): T => {
    const value = pending.get(name);
    return typeof value === typeof saved ? (value as T) : saved;
  };
  const words = filter.trim().toLowerCase();
  const shown = v.jurisdictions.filter((j) => words === '' || j.name.toLowerCase().includes(words));
  return (
    <div className={res.state === 'loading' ? 'expectations reloading' : 'expectations'} aria-busy={res.state === 'loading'}>
      <p className="muted small">
        <Link to="/elections">Election day</Link> › <Link to={electionPath}>{v.election.name}</Link> › <Link to={`${electionPath}?state=${props.state}`}>{v.state.name}</Link>
      </p>
      <h1>{v.state.name}: reporting expectations</h1>
      <p className="muted">
        How often each jurisdiction sends a status in each phase. A jurisdiction whose last status is older than that shows as <strong>overdue</strong>; one that takes part and has sent nothing shows as <strong>no report</strong>.
      </p>
      {v.can_change ? null : <p className="notice small">Only administrators of the {v.state.name} election office change these; you can read them.</p>}
      {saved === null ? null : (
        <p className="success" role="status">
          {saved}
        </p>
      )}
      {problem === null ? null : <ProblemBox problem={problem} />}

      <section className="card">
        <h2>The whole state</h2>
        {v.state.declined ? (
          <p>
            {v.state.name} does not report on this election: none of its jurisdictions is counted.{' '}
            {v.can_change ? (
              <button type="button" onClick={() => void change({ declined: false }, `${v.state.name} reports on this election again.`)}>
                Report on it again
              </button>
            ) : null}
          </p>
        ) : null}
        <ul className="phase-list">
          {v.phases.map((p) => (
            <li key={p.phase} data-phase={p.phase}>
              <div>
                <strong>{PHASE_TEXT[p.phase]}</strong> <span className="muted small">{day(p.start)} – {day(p.end)}</span>
                <div className="small muted">The election says {everyWords(p.election_minutes)}.</div>
              </div>
              {v.can_change ? (
                <label className="inline-field">
                  <span className="sr-only">{PHASE_TEXT[p.phase]}: every jurisdiction reports</span>
                  <select
                    name={`state-${p.phase}`}
                    value={chosen(`state-${p.phase}`, p.state_minutes === null ? '' : String(p.state_minutes))}
                    onChange={(e) => {
                      const minutes = e.target.value === '' ? null : Number(e.target.value);
                      void change({ phase: p.phase, report_every_minutes: minutes }, `Saved: ${during(p.phase)}, ${v.state.name}’s jurisdictions report ${everyWords(minutes ?? p.election_minutes)}.`, {
                        name: `state-${p.phase}`,
                        value: e.target.value,
                      });
                    }}
                  >
                    <option value="">as the election says ({everyWords(p.election_minutes)})</option>
                    {choicesWith(p.state_minutes).map((m) => (
                      <option key={m} value={String(m)}>
                        {everyWords(m)}
                      </option>
                    ))}
                  </select>
                </label>
              ) : (
                <span>{everyWords(p.minutes)}</span>
              )}
            </li>
          ))}
        </ul>
      </section>

      <section className="card">
        <h2>Each jurisdiction</h2>
        <p className="small muted">A jurisdiction follows the state unless it has its own setting. One that does not take part is left out of the counts and the three questions.</p>
        {v.jurisdictions.length > 8 ? (
          <label className="filter-field">
            Find a jurisdiction
            <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="e.g. Dane" />
          </label>
        ) : null}
        <ScrollArea label={`${v.state.name}’s jurisdictions and how often each reports`}>
          <table className="data-table expectations-table">
            <thead>
              <tr>
                <th scope="col">Jurisdiction</th>
                <th scope="col">Takes part</th>
                {v.phases.map((p) => (
                  <th key={p.phase} scope="col">
                    {PHASE_TEXT[p.phase]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.map((j) => (
                <tr key={j.id} data-jurisdiction={j.id}>
                  <th scope="row">{j.name}</th>
                  <td>
                    {v.can_change && !v.state.declined ? (
                      <label className="check">
                        <input
                          type="checkbox"
                          name={`takes-part-${j.id}`}
                          checked={chosen(`takes-part-${j.id}`, !j.declined)}
                          onChange={(e) =>
                            void change(
                              { jurisdiction_ref: j.id, declined: !e.target.checked },
                              e.target.checked ? `${j.name} takes part again: until it reports it shows as no report.` : `${j.name} no longer takes part: it is left out of the counts.`,
                              { name: `takes-part-${j.id}`, value: e.target.checked },
                            )
                          }
                        />
                        <span className="sr-only">{j.name} takes part</span>
                        {chosen(`takes-part-${j.id}`, !j.declined) ? 'Yes' : 'No'}
                      </label>
                    ) : v.state.declined || j.declined ? (
                      'No'
                    ) : (
                      'Yes'
                    )}
                  </td>
                  {j.phases.map((p) => {
                    const phase = v.phases.find((x) => x.phase === p.phase);
                    return (
                      <td key={p.phase} data-phase={p.phase} data-minutes={p.minutes ?? 0}>
                        {v.can_change ? (
                          <select
                            name={`every-${j.id}-${p.phase}`}
                            aria-label={`${j.name}, ${PHASE_TEXT[p.phase].toLowerCase()}`}
                            value={chosen(`every-${j.id}-${p.phase}`, p.own_minutes === null ? '' : String(p.own_minutes))}
                            onChange={(e) => {
                              const minutes = e.target.value === '' ? null : Number(e.target.value);
                              void change(
                                { jurisdiction_ref: j.id, phase: p.phase, report_every_minutes: minutes },
                                `Saved: ${during(p.phase)}, ${j.name} reports ${everyWords(minutes ?? phase?.minutes ?? null)}.`,
                                { name: `every-${j.id}-${p.phase}`, value: e.target.value },
                              );
                            }}
                          >
                            <option value="">state’s: {everyWords(phase?.minutes ?? null)}</option>
                            {choicesWith(p.own_minutes).map((m) => (
                              <option key={m} value={String(m)}>
                                {everyWords(m)}
                              </option>
                            ))}
                          </select>
                        ) : (
                          <>
                            {everyWords(p.minutes)} <span className="muted small">({SOURCE_WORDS[p.source]})</span>
                          </>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollArea>
        {shown.length === 0 ? <p className="muted">{v.jurisdictions.length === 0 ? 'This hub knows no election office of this state yet.' : 'No jurisdiction matches.'}</p> : null}
      </section>
    </div>
  );
}
