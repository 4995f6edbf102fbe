import { useEffect, useRef, useState, type FormEvent, type MouseEvent } from 'react';
import type { AudienceKey } from '../../../src/domain/audience.ts';
import { ELECTION_FUNCTIONS, INCIDENT_CATEGORIES, SEVERITIES, type ElectionFunction, type IncidentCategory, type Severity } from '../../../src/domain/election.ts';
import { TLP_LEVELS, type Tlp } from '../../../src/domain/tlp.ts';
import { call, type ApiProblem } from '../api.ts';
import { ProblemBox } from '../components/Status.tsx';
import { SelectField } from '../components/Fields.tsx';
import { TlpBadge } from '../components/TlpBadge.tsx';
import { CATEGORY_LABELS, FUNCTION_LABELS, SEVERITY_LABELS } from '../format.ts';
import { buildIncident, formIssues, incidentTitle, type FormIssue } from '../incident.ts';
import { navigate } from '../router.tsx';
import { useSession, type Me } from '../session.tsx';
import { audienceAfterTlpChange, audienceChoices, defaultAudienceFor, isAllowed, TLP_MEANING, tlpReason } from '../sharing-rules.ts';
import { PLACE_CHOICES } from '../states.ts';

const DEFAULT_TLP: Tlp = 'amber';

export function Report() {
  const { me } = useSession();
  if (me === null) return null;
  return <ReportForm me={me} />;
}

function ReportForm({ me }: { readonly me: Me }) {
  const [whatHappened, setWhatHappened] = useState('');
  const [category, setCategory] = useState<IncidentCategory | null>(null);
  const [functions, setFunctions] = useState<ElectionFunction[]>([]);
  const [severity, setSeverity] = useState<Severity | null>(null);
  const [stateFips, setStateFips] = useState<string | null>(me.stateFips);
  const [tlp, setTlp] = useState<Tlp>(DEFAULT_TLP);
  const [audience, setAudience] = useState<AudienceKey[]>(() => defaultAudienceFor(DEFAULT_TLP, me));
  const [submitted, setSubmitted] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  // Bumped by each failed send, so the messages above the form get focus and scroll into view.
  const [failures, setFailures] = useState(0);
  const messagesRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (failures === 0) return;
    messagesRef.current?.focus();
    messagesRef.current?.scrollIntoView({ block: 'start' });
  }, [failures]);

  const form = { whatHappened, category, functions, severity, stateFips, tlp, audience };
  // Problems show after the first attempt, then update as they are fixed.
  const issues: FormIssue[] = submitted ? formIssues(form) : [];
  const choices = audienceChoices(me);
  const issueFor = (field: FormIssue['field']) => issues.find((i) => i.field === field)?.message;

  const changeTlp = (next: Tlp) => {
    setTlp(next);
    setAudience(audienceAfterTlpChange(next, audience, me));
  };
  const toggle = <T,>(list: readonly T[], value: T): T[] => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found = formIssues(form);
    setSubmitted(true);
    setProblem(null);
    if (found.length > 0) {
      setFailures((n) => n + 1);
      return;
    }
    setBusy(true);
    const object = buildIncident(form, me.orgId, new Date(), crypto.randomUUID());
    const res = await call('post', '/api/v1/objects', { body: { object, tlp, audience } });
    setBusy(false);
    if (!res.ok) {
      setProblem(res.error);
      setFailures((n) => n + 1);
      return;
    }
    navigate(`/intel/${encodeURIComponent(String(object['id']))}?reported=1`);
  };

  return (
    <form className="report" onSubmit={(e) => void submit(e)} noValidate>
      <div className="page-head">
        <div>
          <h1>Report an incident or rumour</h1>
          <p className="muted">Tell others what happened. It takes about two minutes; you can add details later.</p>
        </div>
      </div>
      <div ref={messagesRef} tabIndex={-1} className="form-messages">
        {problem === null ? null : <ProblemBox problem={problem} />}
        {issues.length > 0 ? (
          <div className="error" role="alert">
            Please fix {issues.length === 1 ? 'one thing' : `${issues.length} things`} before sending:
            <ul>
              {issues.map((i) => (
                <li key={i.field}>
                  <a href={`#field-${i.field}`} onClick={(e) => focusField(e, i.field)}>
                    {i.message}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>

      <section className="card step">
        <h2>
          <span className="step-no">1</span> What happened?
        </h2>
        <label id="field-whatHappened" className={issueFor('whatHappened') === undefined ? '' : 'invalid'}>
          Describe it in plain words: what, where, when, and what you did about it.
          <textarea
            name="whatHappened"
            rows={5}
            aria-invalid={issueFor('whatHappened') !== undefined}
            value={whatHappened}
            onChange={(e) => setWhatHappened(e.target.value)}
            placeholder="e.g. Posts on social media claim polling places close at noon today. Our polls are open until 8 pm."
          />
        </label>
        {whatHappened.trim() === '' ? null : (
          <p className="muted small">
            Title: <strong>{incidentTitle(category, whatHappened)}</strong>
          </p>
        )}
      </section>

      <section className="card step">
        <h2>
          <span className="step-no">2</span> What kind, and how serious?
        </h2>
        <fieldset id="field-category" className={issueFor('category') === undefined ? '' : 'invalid'}>
          <legend>Kind of incident</legend>
          <div className="choices">
            {INCIDENT_CATEGORIES.map((c) => (
              <label key={c} className="choice">
                <input type="radio" name="category" value={c} checked={category === c} onChange={() => setCategory(c)} />
                {CATEGORY_LABELS[c]}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>Election functions affected (tick all that apply)</legend>
          <div className="choices columns">
            {ELECTION_FUNCTIONS.map((f) => (
              <label key={f} className="choice">
                <input type="checkbox" name="functions" value={f} checked={functions.includes(f)} onChange={() => setFunctions(toggle(functions, f))} />
                {FUNCTION_LABELS[f]}
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset id="field-severity" className={issueFor('severity') === undefined ? '' : 'invalid'}>
          <legend>How serious is it?</legend>
          <div className="choices">
            {SEVERITIES.map((s) => (
              <label key={s} className={`choice severity-${s}`}>
                <input type="radio" name="severity" value={s} checked={severity === s} onChange={() => setSeverity(s)} />
                {SEVERITY_LABELS[s]}
              </label>
            ))}
          </div>
        </fieldset>
        <SelectField label="State or territory where it happened" name="state" value={stateFips ?? ''} onChange={(v) => setStateFips(v === '' ? null : v)} empty="Not specific to one state" options={PLACE_CHOICES} />
      </section>

      <section className="card step">
        <h2>
          <span className="step-no">3</span> Who should see it?
        </h2>
        <fieldset>
          <legend>How sensitive is it? (Traffic Light Protocol)</legend>
          <div className="tlp-picker">
            {TLP_LEVELS.map((level) => (
              <label key={level} className={tlp === level ? 'tlp-option selected' : 'tlp-option'}>
                <input type="radio" name="tlp" value={level} checked={tlp === level} onChange={() => changeTlp(level)} />
                <TlpBadge tlp={level} />
                <span className="small">{TLP_MEANING[level]}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset id="field-audience" className={issueFor('audience') === undefined ? '' : 'invalid'}>
          <legend>Share with</legend>
          <p className="reason small" data-testid="tlp-reason">
            {tlpReason(tlp)}
          </p>
          <div className="choices">
            {choices.map((c) => {
              const allowed = isAllowed(tlp, c.kind);
              return (
                <label key={c.key} className={allowed ? 'choice' : 'choice disabled'} title={allowed ? '' : tlpReason(tlp)}>
                  <input
                    type="checkbox"
                    name="audience"
                    value={c.key}
                    disabled={!allowed}
                    checked={allowed && audience.includes(c.key)}
                    onChange={() => setAudience(toggle(audience, c.key))}
                  />
                  {c.label}
                  {allowed ? null : <span className="muted small"> — not allowed at this TLP</span>}
                </label>
              );
            })}
          </div>
        </fieldset>
      </section>

      <div className="actions">
        <button type="submit" className="primary big" disabled={busy}>
          {busy ? 'Sending…' : 'Send report'}
        </button>
        <span className="muted small">Only the places ticked above will see it. You stay its owner.</span>
      </div>
    </form>
  );
}

/** From the list of problems to the field itself: its first input gets focus (a bare #link would only scroll). */
function focusField(e: MouseEvent<HTMLAnchorElement>, field: FormIssue['field']): void {
  const input = document.querySelector<HTMLElement>(`#field-${field} input:not([disabled]), #field-${field} textarea`);
  if (input === null) return;
  e.preventDefault();
  input.focus();
  input.scrollIntoView({ block: 'center' });
}
