import '../election-day.css';
import { useEffect, useRef, useState } from 'react';
import type { AudienceKey } from '../../../src/domain/audience.ts';
import { TLP_LEVELS, type Tlp } from '../../../src/domain/tlp.ts';
import { CONTINGENCIES, CONTINGENCY_TEXT, ELECTION_FUNCTION_TAXONOMY, STATUS_LEVEL_TEXT, STATUS_LEVELS, type Contingency, type ElectionFunction, type StatusLevel } from '../../../src/domain/election.ts';
import { call, type ApiProblem, type ApiResponse } from '../api.ts';
import { IncidentPicker, useIncidentNames } from '../components/IncidentPicker.tsx';
import { Loading, ProblemBox } from '../components/Status.tsx';
import { TlpBadge } from '../components/TlpBadge.tsx';
import { formatWhen } from '../format.ts';
import { Link, navigate } from '../router.tsx';
import { useSession, type Me } from '../session.tsx';
import { audienceAfterTlpChange, TLP_MEANING, tlpReason } from '../sharing-rules.ts';
import { audienceWords, sharingIssue, sharingLine, statusAudienceChoices, statusProblem } from '../status-sharing.ts';
import { useRoute } from '../use-api.ts';

type MyStatusView = ApiResponse<'/api/v1/elections/{id}/my-status'>;

interface Entry {
  readonly level: StatusLevel | null;
  readonly note: string;
  readonly contingencies: readonly Contingency[];
  readonly incidents: readonly string[];
}

type Entries = Readonly<Record<ElectionFunction, Entry>>;

const isContingency = (c: string): c is Contingency => (CONTINGENCIES as readonly string[]).includes(c);

/** Every function with its last level (or none yet), its note and contingencies. */
function fromLast(last: MyStatusView['last']): Entries {
  const out = {} as Record<ElectionFunction, Entry>;
  for (const f of ELECTION_FUNCTION_TAXONOMY) {
    const was = last?.functions[f.id];
    out[f.id] = { level: was?.level ?? null, note: was?.note ?? '', contingencies: (was?.contingencies ?? []).filter(isContingency), incidents: was?.incident_refs ?? [] };
  }
  return out;
}

function body(entries: Entries, summary: string, tlp: Tlp, audience: readonly AudienceKey[]) {
  const functions: Record<string, { level: StatusLevel; note?: string; contingencies?: Contingency[]; incident_refs?: string[] }> = {};
  for (const f of ELECTION_FUNCTION_TAXONOMY) {
    const e = entries[f.id];
    if (e.level === null) continue;
    const keepDetail = e.level !== 'normal';
    functions[f.id] = {
      level: e.level,
      ...(keepDetail && e.note.trim() !== '' ? { note: e.note.trim() } : {}),
      ...(keepDetail && e.contingencies.length > 0 ? { contingencies: [...e.contingencies] } : {}),
      ...(keepDetail && e.incidents.length > 0 ? { incident_refs: [...e.incidents] } : {}),
    };
  }
  return { functions, ...(summary.trim() === '' ? {} : { summary: summary.trim() }), tlp, audience: [...audience] };
}

/** The posting screen, built for a phone: one screen, every function pre-filled, "everything is normal" in one tap (and a confirmation). */
export function PostStatus(props: { readonly id: string }) {
  const { me } = useSession();
  if (me === null) return null;
  return <PostStatusForm id={props.id} me={me} />;
}

function PostStatusForm(props: { readonly id: string; readonly me: Me }) {
  const { me } = props;
  const mine = useRoute('/api/v1/elections/{id}/my-status', { params: { id: props.id } });
  const [entries, setEntries] = useState<Entries | null>(null);
  const [summary, setSummary] = useState('');
  const [tlp, setTlp] = useState<Tlp>('amber');
  const [audience, setAudience] = useState<AudienceKey[]>([]);
  const [choosingSharing, setChoosingSharing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const linked = entries === null ? [] : ELECTION_FUNCTION_TAXONOMY.flatMap((f) => entries[f.id].incidents);
  const [names, learn] = useIncidentNames(linked);
  // On a phone the confirmation opens below the fold: bring all of it into sight, once, and put the focus on "Yes, send it".
  const confirmBox = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const box = confirmBox.current;
    if (!confirming || box === null) return;
    box.scrollIntoView({ block: 'nearest' });
    box.querySelector<HTMLButtonElement>('button.primary')?.focus({ preventScroll: true });
  }, [confirming]);
  useEffect(() => {
    if (mine.state === 'ready') {
      setEntries(fromLast(mine.value.last));
      setSummary(mine.value.last?.summary ?? '');
      setTlp(mine.value.default_sharing.tlp);
      setAudience(mine.value.default_sharing.audience as AudienceKey[]);
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
  const sharedWith = sharingLine(tlp, audience, me);
  const issue = sharingIssue(tlp, audience);
  const set = (fn: ElectionFunction, change: Partial<Entry>) => setEntries((old) => (old === null ? old : { ...old, [fn]: { ...old[fn], ...change } }));
  const send = async (all: Entries) => {
    if (issue !== null) {
      setConfirming(false);
      setChoosingSharing(true);
      return;
    }
    setSending(true);
    setProblem(null);
    const res = await call('post', '/api/v1/elections/{id}/status', { params: { id: props.id }, body: body(all, summary, tlp, audience) });
    setSending(false);
    setConfirming(false);
    if (!res.ok) {
      if (res.error.code === 'tlp-audience-mismatch') setChoosingSharing(true);
      setProblem(statusProblem(res.error, tlp));
      return;
    }
    // Back to the poster's own state, where their row shows what they just sent, with a word that it went.
    const stateFips = props.me.stateFips;
    navigate(`/elections/${encodeURIComponent(props.id)}?${stateFips === null ? '' : `state=${stateFips}&`}posted=1`);
  };
  const allNormal = Object.fromEntries(ELECTION_FUNCTION_TAXONOMY.map((f) => [f.id, { level: 'normal', note: '', contingencies: [], incidents: [] }])) as unknown as Entries;
  const chosen = ELECTION_FUNCTION_TAXONOMY.filter((f) => entries[f.id].level !== null).length;
  const choices = statusAudienceChoices(tlp, me);
  return (
    <div className="post-status">
      <p className="muted small">
        <Link to={`/elections/${encodeURIComponent(props.id)}`}>{m.election.name}</Link>
      </p>
      <h1>{jurisdiction.name}: status now</h1>
      <p className="muted">{m.last === null ? 'Your first status for this election.' : `Last sent ${formatWhen(m.last.reported_at, new Date())}; each function starts at what you said then.`}</p>

      <section className="card who-sees" aria-labelledby="who-sees-title">
        <div className="who-sees-line">
          <div>
            <h2 id="who-sees-title">Who sees it</h2>
            <p className="small" data-testid="sharing-line">
              <TlpBadge tlp={tlp} /> {audienceWords(audience, me)}
            </p>
          </div>
          <button type="button" className="button" aria-expanded={choosingSharing} onClick={() => setChoosingSharing((o) => !o)}>
            {choosingSharing ? 'Done' : 'Change'}
          </button>
        </div>
        {choosingSharing ? (
          <div className="who-sees-form">
            <fieldset>
              <legend>How sensitive is it?</legend>
              <div className="tlp-choice">
                {TLP_LEVELS.map((level) => (
                  <label key={level} className={tlp === level ? 'tlp-option selected' : 'tlp-option'}>
                    <input
                      type="radio"
                      name="status-tlp"
                      value={level}
                      checked={tlp === level}
                      onChange={() => {
                        setTlp(level);
                        setAudience(audienceAfterTlpChange(level, audience, me).filter((k) => statusAudienceChoices(level, me).some((c) => c.key === k)));
                      }}
                    />
                    <TlpBadge tlp={level} /> <span className="small">{TLP_MEANING[level]}</span>
                  </label>
                ))}
              </div>
            </fieldset>
            <fieldset>
              <legend>Shared with</legend>
              <p className="small muted">{tlpReason(tlp)}</p>
              <div className="choices">
                {choices.map((c) => (
                  <label key={c.key} className="check">
                    <input
                      type="checkbox"
                      name="status-audience"
                      value={c.key}
                      checked={audience.includes(c.key)}
                      onChange={(e) => setAudience(e.target.checked ? [...audience, c.key] : audience.filter((k) => k !== c.key))}
                    />
                    {c.label}
                  </label>
                ))}
              </div>
            </fieldset>
          </div>
        ) : null}
        {issue === null ? null : (
          <p className="field-error" role="alert">
            {issue}
          </p>
        )}
      </section>

      <div className="card all-normal">
        <button type="button" className="button primary big full" disabled={sending} onClick={() => setConfirming(true)}>
          Everything is normal
        </button>
        {confirming ? (
          <div className="confirm" role="alertdialog" aria-labelledby="confirm-title" aria-describedby="confirm-text" ref={confirmBox}>
            <p id="confirm-title">
              <strong>Send “everything is normal”?</strong>
            </p>
            <p id="confirm-text" className="small">
              All {ELECTION_FUNCTION_TAXONOMY.length} functions as normal, {sharedWith}.
            </p>
            <div className="confirm-buttons">
              <button type="button" className="button primary big" disabled={sending || issue !== null} onClick={() => void send(allNormal)}>
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
                    <input type="text" maxLength={500} value={e.note} onChange={(ev) => set(f.id, { note: ev.target.value })} placeholder="e.g. 2 of 9 sites on paper since 7:40" />
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
                  <IncidentPicker label={f.label} selected={e.incidents} names={names} learn={learn} onChange={(ids) => set(f.id, { incidents: ids })} />
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
