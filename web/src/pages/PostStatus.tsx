import '../election-day.css';
import { useEffect, useState } from 'react';
import { CONTINGENCIES, CONTINGENCY_TEXT, ELECTION_FUNCTION_TAXONOMY, STATUS_LEVEL_TEXT, STATUS_LEVELS, type Contingency, type ElectionFunction, type StatusLevel } from '../../../src/domain/election.ts';
import { api, type ApiProblem, type ApiResponse } from '../api.ts';
import { Loading, ProblemBox } from '../components/Status.tsx';
import { formatWhen } from '../format.ts';
import { Link, navigate } from '../router.tsx';
import { placeByFips } from '../states.ts';
import { useGet } from '../use-api.ts';

type MyStatusView = ApiResponse<'/api/v1/elections/{id}/my-status'>;

interface Entry {
  readonly level: StatusLevel | null;
  readonly note: string;
  readonly contingencies: readonly Contingency[];
}

type Entries = Readonly<Record<ElectionFunction, Entry>>;

const isContingency = (c: string): c is Contingency => (CONTINGENCIES as readonly string[]).includes(c);

/** Every function with its last level (or none yet), its note and contingencies. */
function fromLast(last: MyStatusView['last']): Entries {
  const out = {} as Record<ElectionFunction, Entry>;
  for (const f of ELECTION_FUNCTION_TAXONOMY) {
    const was = last?.functions[f.id];
    out[f.id] = { level: was?.level ?? null, note: was?.note ?? '', contingencies: (was?.contingencies ?? []).filter(isContingency) };
  }
  return out;
}

function body(entries: Entries, summary: string) {
  const functions: Record<string, { level: StatusLevel; note?: string; contingencies?: Contingency[] }> = {};
  for (const f of ELECTION_FUNCTION_TAXONOMY) {
    const e = entries[f.id];
    if (e.level === null) continue;
    const keepDetail = e.level !== 'normal';
    functions[f.id] = {
      level: e.level,
      ...(keepDetail && e.note.trim() !== '' ? { note: e.note.trim() } : {}),
      ...(keepDetail && e.contingencies.length > 0 ? { contingencies: [...e.contingencies] } : {}),
    };
  }
  return { functions, ...(summary.trim() === '' ? {} : { summary: summary.trim() }) };
}

/** The posting screen, built for a phone: one screen, every function pre-filled, "everything is normal" in one tap (and a confirmation). */
export function PostStatus(props: { readonly id: string }) {
  const base = `/api/v1/elections/${encodeURIComponent(props.id)}`;
  const mine = useGet<MyStatusView>(`${base}/my-status`);
  const [entries, setEntries] = useState<Entries | null>(null);
  const [summary, setSummary] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  useEffect(() => {
    if (mine.state === 'ready') {
      setEntries(fromLast(mine.value.last));
      setSummary(mine.value.last?.summary ?? '');
    }
  }, [mine]);
  if (mine.state === 'loading' || (mine.state === 'ready' && entries === null)) return <Loading what="your last status" />;
  if (mine.state === 'error') return <ProblemBox problem={mine.problem} />;
  const m = mine.value;
  if (m.jurisdiction === null || entries === null) {
    return (
      <div className="card">
        <h1>Post a status</h1>
        <p>Your organization is not an election office of a state taking part in {m.election.name}, so it has no status to post here.</p>
        <Link to={`/elections/${encodeURIComponent(props.id)}`}>Back to the election</Link>
      </div>
    );
  }
  const jurisdiction = m.jurisdiction;
  const stateName = placeByFips(jurisdiction.state_fips)?.name ?? jurisdiction.state_fips;
  const sharedWith = `TLP:AMBER, shared with the ${stateName} state election office and the local election offices of ${stateName}`;
  const set = (fn: ElectionFunction, change: Partial<Entry>) => setEntries((old) => (old === null ? old : { ...old, [fn]: { ...old[fn], ...change } }));
  const send = async (all: Entries) => {
    setSending(true);
    setProblem(null);
    const res = await api('POST', `${base}/status`, body(all, summary));
    setSending(false);
    setConfirming(false);
    if (!res.ok) {
      setProblem(res.error);
      return;
    }
    navigate(`/elections/${encodeURIComponent(props.id)}?posted=1`);
  };
  const allNormal = Object.fromEntries(ELECTION_FUNCTION_TAXONOMY.map((f) => [f.id, { level: 'normal', note: '', contingencies: [] }])) as unknown as Entries;
  const chosen = ELECTION_FUNCTION_TAXONOMY.filter((f) => entries[f.id].level !== null).length;
  return (
    <div className="post-status">
      <p className="muted small">
        <Link to={`/elections/${encodeURIComponent(props.id)}`}>{m.election.name}</Link>
      </p>
      <h1>{jurisdiction.name}: status now</h1>
      <p className="muted">{m.last === null ? 'Your first status for this election.' : `Last sent ${formatWhen(m.last.reported_at, new Date())}; each function starts at what you said then.`}</p>

      <div className="card all-normal">
        <button type="button" className="button primary big full" disabled={sending} onClick={() => setConfirming(true)}>
          Everything is normal
        </button>
        {confirming ? (
          <div className="confirm" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text">
            <p id="confirm-title">
              <strong>Send “everything is normal”?</strong>
            </p>
            <p id="confirm-text" className="small">
              All {ELECTION_FUNCTION_TAXONOMY.length} functions as normal, {sharedWith}.
            </p>
            <div className="confirm-buttons">
              <button type="button" className="button primary big" disabled={sending} onClick={() => void send(allNormal)}>
                Yes, send it
              </button>
              <button type="button" className="button big" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </div>
          </div>
        ) : null}
      </div>

      {problem === null ? null : <ProblemBox problem={problem} />}

      <form
        className="card function-form"
        onSubmit={(e) => {
          e.preventDefault();
          void send(entries);
        }}
      >
        <h2>Or function by function</h2>
        {ELECTION_FUNCTION_TAXONOMY.map((f) => {
          const e = entries[f.id];
          return (
            <fieldset key={f.id} className="function-row" data-function={f.id}>
              <legend>{f.label}</legend>
              <div className="level-choice" role="radiogroup" aria-label={f.label}>
                {STATUS_LEVELS.map((level) => (
                  <label key={level} className={`level-option level-${level}${e.level === level ? ' chosen' : ''}`}>
                    <input type="radio" name={f.id} value={level} checked={e.level === level} onChange={() => set(f.id, { level })} />
                    {STATUS_LEVEL_TEXT[level]}
                  </label>
                ))}
              </div>
              {e.level !== null && e.level !== 'normal' ? (
                <div className="function-detail">
                  <label>
                    What is happening (short)
                    <input type="text" maxLength={500} value={e.note} onChange={(ev) => set(f.id, { note: ev.target.value })} placeholder="e.g. 2 of 9 sites on paper pollbooks since 7:40" />
                  </label>
                  <div className="contingencies">
                    <span className="small muted">What you are using instead</span>
                    {CONTINGENCIES.map((c) => (
                      <label key={c} className="check">
                        <input
                          type="checkbox"
                          checked={e.contingencies.includes(c)}
                          onChange={(ev) => set(f.id, { contingencies: ev.target.checked ? [...e.contingencies, c] : e.contingencies.filter((x) => x !== c) })}
                        />
                        {CONTINGENCY_TEXT[c]}
                      </label>
                    ))}
                  </div>
                </div>
              ) : null}
            </fieldset>
          );
        })}
        <label>
          Anything else the state should know (optional)
          <textarea rows={3} maxLength={4000} value={summary} onChange={(e) => setSummary(e.target.value)} />
        </label>
        <p className="small muted">Sent as {sharedWith}.</p>
        {chosen < ELECTION_FUNCTION_TAXONOMY.length ? (
          <p className="small notice">
            {ELECTION_FUNCTION_TAXONOMY.length - chosen} function{ELECTION_FUNCTION_TAXONOMY.length - chosen === 1 ? ' has' : 's have'} no level yet: they are left out, and the state’s questions about them stay unknown.
          </p>
        ) : null}
        <button type="submit" className="button primary big full" disabled={sending || chosen === 0}>
          {sending ? 'Sending…' : 'Send status'}
        </button>
      </form>
    </div>
  );
}
