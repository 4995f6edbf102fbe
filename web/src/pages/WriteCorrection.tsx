import { useEffect, useState, type FormEvent } from 'react';
import { call, type ApiProblem } from '../api.ts';
import { CorrectionCard } from '../components/CorrectionCard.tsx';
import { RadioChoices, SelectField, TextAreaField, TextField } from '../components/Fields.tsx';
import { ProblemBox } from '../components/Status.tsx';
import { correctionBody, draftFromIncident, draftIssues, draftOf, emptyDraft, isRumourIncident, PHASE_WORDS, type CorrectionDraft, type PublicCorrection } from '../corrections.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { AnswerLinks } from '../components/AnswerLinks.tsx';
import { useSession } from '../session.tsx';
import { PLACES } from '../states.ts';
import { useRoute } from '../use-api.ts';
import { useCountyNames } from '../county-names.ts';

/**
 * Writing a correction: the rumour, the reality, where to check, the law, where and when; a preview of
 * exactly what the public will see; then publish. The same page updates or withdraws one already published.
 */
export function WriteCorrection() {
  const { me } = useSession();
  const [draft, setDraft] = useState<CorrectionDraft>(() => emptyDraft(me?.stateFips ?? null));
  const [editing, setEditing] = useState<string | null>(null);
  const [preview, setPreview] = useState<PublicCorrection | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [issues, setIssues] = useState<{ field: string; message: string }[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [version, setVersion] = useState(0);
  const [withdrawing, setWithdrawing] = useState<{ id: string; reason: string } | null>(null);
  // Opened from a false-rumour incident ("Answer it publicly"): its rumour, state and county fill the form.
  const from = useLocation().params.get('from');
  const [answering, setAnswering] = useState<string | null>(null);
  const [answered, setAnswered] = useState<{ readonly id: string; readonly title: string } | null>(null);
  useEffect(() => {
    if (from === null) return;
    let current = true;
    void call('get', '/api/v1/objects/{id}', { params: { id: from } }).then((res) => {
      const o = res.ok && typeof res.value.object === 'object' && res.value.object !== null ? (res.value.object as Record<string, unknown>) : null;
      if (!current || o === null || !isRumourIncident(o)) return;
      setDraft(draftFromIncident(o, me?.stateFips ?? null));
      setAnswering(typeof o['name'] === 'string' ? o['name'] : 'the incident report');
    });
    return () => {
      current = false;
    };
  }, [from, me?.stateFips]);
  const elections = useRoute('/api/v1/elections');
  const mine = useRoute('/api/v1/corrections', { version });
  const now = new Date();
  const set = (patch: Partial<CorrectionDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setPreview(null);
  };
  const invalid = (field: string) => (issues.some((i) => i.field === field) ? 'invalid' : '');

  const showPreview = async (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    setProblem(null);
    const found = draftIssues(draft);
    setIssues(found);
    if (found.length > 0) return;
    setBusy(true);
    const res = await call('post', '/api/v1/corrections/preview', { body: correctionBody(draft) });
    setBusy(false);
    if (res.ok) setPreview(res.value.correction);
    else setProblem(res.error);
  };
  const publish = async () => {
    setBusy(true);
    // Written from an incident: the hub links the two, for the incident's readers only (the public correction names no incident).
    const linked = editing === null && answering !== null && from !== null ? from : null;
    const res =
      editing === null
        ? await call('post', '/api/v1/corrections', { body: { ...correctionBody(draft), ...(linked === null ? {} : { incident_id: linked }) } })
        : await call('put', '/api/v1/corrections/{id}', { params: { id: editing }, body: correctionBody(draft) });
    setBusy(false);
    if (!res.ok) {
      setProblem(res.error);
      return;
    }
    setDone(editing === null ? 'Published. Anyone can now read it on the rumour-control page.' : 'Updated. The public page shows the new words.');
    setAnswered(linked === null ? null : { id: linked, title: answering ?? 'the incident' });
    // The next correction written here answers nothing unless it is opened from an incident again.
    if (linked !== null) navigate('/rumour-control/write', { replace: true });
    setPreview(null);
    setEditing(null);
    setDraft(emptyDraft(me?.stateFips ?? null));
    setVersion((v) => v + 1);
  };
  const withdraw = async () => {
    if (withdrawing === null) return;
    if (withdrawing.reason.trim() === '') {
      setIssues([{ field: 'reason', message: 'Say why you withdraw it; the public page shows the reason.' }]);
      return;
    }
    setBusy(true);
    const res = await call('post', '/api/v1/corrections/{id}/withdraw', { params: { id: withdrawing.id }, body: { reason: withdrawing.reason.trim() } });
    setBusy(false);
    if (!res.ok) {
      setProblem(res.error);
      return;
    }
    setWithdrawing(null);
    setIssues([]);
    setDone('Withdrawn. It stays on the public page, marked withdrawn, with your reason.');
    setVersion((v) => v + 1);
  };
  const choosable = elections.state === 'ready' ? elections.value.items.filter((el) => draft.stateFips === '' || el.state_fips.includes(draft.stateFips)) : [];

  return (
    <div className="write-correction">
      <div className="page-head">
        <div>
          <h1>{editing === null ? 'Write a correction' : 'Update a correction'}</h1>
          <p className="muted">
            A correction is public: anyone can read it on the <Link to="/rumour-control">rumour-control page</Link>, in its feed and on websites that show it. You see a preview before anything is published.
          </p>
        </div>
      </div>
      {answering === null || from === null ? null : (
        <div className="notice answering">
          Answering <Link to={`/intel/${encodeURIComponent(from)}`}>{answering}</Link>: the rumour, state and county are copied from the report. That report was shared with few; everything below will be public, so take out anything that should not be, then add the headline, the reality and where to check. Once published, the correction is linked to that incident for those who may read it; the public sees no link.
        </div>
      )}
      <div className="form-messages" aria-live="polite">
        {done === null ? null : (
          <p className="success">
            {done}
            {answered === null ? null : (
              <>
                {' '}
                It is linked to the incident <Link to={`/intel/${encodeURIComponent(answered.id)}`}>{answered.title}</Link>, whose page shows it to those who may read that incident.
              </>
            )}
          </p>
        )}
        {problem === null ? null : <ProblemBox problem={problem} />}
        {issues.length === 0 ? null : (
          <div className="error" role="alert">
            <p>Please fix:</p>
            <ul>
              {issues.map((i) => (
                <li key={i.field + i.message}>{i.message}</li>
              ))}
            </ul>
          </div>
        )}
      </div>
      <form className="card" onSubmit={(e) => void showPreview(e)} noValidate>
        <TextField className={invalid('title')} label="Headline" value={draft.title} maxLength={200} placeholder="e.g. Polls do not close at noon" onChange={(title) => set({ title })} />
        <TextAreaField className={invalid('rumour')} label="The rumour" value={draft.rumour} rows={3} maxLength={2000} placeholder="What people are hearing or reading" onChange={(rumour) => set({ rumour })} />
        <TextAreaField className={invalid('reality')} label="The reality" value={draft.reality} rows={4} maxLength={4000} placeholder="What is true, in plain words" onChange={(reality) => set({ reality })} />
        <fieldset className={invalid('links')}>
          <legend>Where to get the facts (official pages)</legend>
          {draft.links.map((l, i) => (
            <div className="link-row" key={i}>
              <input aria-label={`Name of official page ${i + 1}`} value={l.title} placeholder="e.g. State Elections Commission" onChange={(e) => set({ links: draft.links.map((x, j) => (j === i ? { ...x, title: e.target.value } : x)) })} />
              <input aria-label={`Address of official page ${i + 1}`} value={l.url} placeholder="https://" inputMode="url" onChange={(e) => set({ links: draft.links.map((x, j) => (j === i ? { ...x, url: e.target.value } : x)) })} />
              {draft.links.length > 1 ? (
                <button type="button" className="link-button" onClick={() => set({ links: draft.links.filter((_, j) => j !== i) })}>
                  Remove
                </button>
              ) : null}
            </div>
          ))}
          {draft.links.length < 10 ? (
            <button type="button" onClick={() => set({ links: [...draft.links, { title: '', url: '' }] })}>
              Add another page
            </button>
          ) : null}
        </fieldset>
        <TextAreaField label="The law (optional, one per line)" value={draft.law} rows={2} placeholder="For example: Wis. Stat. § 6.78" onChange={(law) => set({ law })} />
        <div className="grid-2 plain">
          <SelectField className={invalid('state')} label="State" value={draft.stateFips} empty="Choose a state" options={PLACES.map((p) => ({ value: p.fips, label: p.name }))} onChange={(stateFips) => set({ stateFips, electionId: '', counties: '' })} />
          <CountyPicker stateFips={draft.stateFips} value={draft.counties} className={invalid('counties')} onChange={(counties) => set({ counties })} />
          <SelectField label="Election (optional)" value={draft.electionId} empty="Not about one election" options={choosable.map((el) => ({ value: el.id, label: el.name }))} onChange={(electionId) => set({ electionId })} />
          <RadioChoices
            legend="When does it apply?"
            name="phase"
            value={draft.phase}
            choices={(Object.keys(PHASE_WORDS) as (keyof typeof PHASE_WORDS)[]).map((p) => ({ value: p, label: PHASE_WORDS[p] }))}
            onChange={(phase) => set({ phase })}
          />
        </div>
        <div className="actions">
          <button type="submit" className="primary" disabled={busy}>
            Preview
          </button>
          {editing === null ? null : (
            <button
              type="button"
              onClick={() => {
                setEditing(null);
                setDraft(emptyDraft(me?.stateFips ?? null));
                setPreview(null);
              }}
            >
              Cancel the update
            </button>
          )}
        </div>
      </form>
      {preview === null ? null : (
        <section aria-label="Preview" className="preview">
          <h2>Preview: this is what the public will see</h2>
          <CorrectionCard correction={preview} now={now} />
          <div className="actions">
            <button type="button" className="primary" disabled={busy} onClick={() => void publish()}>
              {editing === null ? 'Publish to the public' : 'Publish the update'}
            </button>
            <button type="button" onClick={() => setPreview(null)}>
              Keep editing
            </button>
          </div>
        </section>
      )}
      <section>
        <h2>Your organization&apos;s corrections</h2>
        {mine.state === 'ready' && mine.value.items.length === 0 ? <p className="muted">None yet.</p> : null}
        {mine.state === 'error' ? <ProblemBox problem={mine.problem} /> : null}
        {mine.state === 'ready'
          ? mine.value.items.map((c) => (
              <CorrectionCard key={c.id} correction={c} now={now}>
                <AnswerLinks id={c.id} direction="out" version={version} />
                {c.status === 'withdrawn' ? null : withdrawing?.id === c.id ? (
                  <div className="withdraw-box">
                    <label className={invalid('reason')}>
                      Why withdraw it? (shown to the public)
                      <input value={withdrawing.reason} onChange={(e) => setWithdrawing({ id: c.id, reason: e.target.value })} />
                    </label>
                    <div className="actions">
                      <button type="button" className="danger" disabled={busy} onClick={() => void withdraw()}>
                        Withdraw it
                      </button>
                      <button type="button" onClick={() => setWithdrawing(null)}>
                        Keep it
                      </button>
                    </div>
                  </div>
                ) : (
                  <div className="actions">
                    <button
                      type="button"
                      onClick={() => {
                        setEditing(c.id);
                        setDraft(draftOf(c));
                        setPreview(null);
                        window.scrollTo(0, 0);
                      }}
                    >
                      Update
                    </button>
                    <button type="button" onClick={() => setWithdrawing({ id: c.id, reason: '' })}>
                      Withdraw
                    </button>
                  </div>
                )}
              </CorrectionCard>
            ))
          : null}
      </section>
    </div>
  );
}

/** Counties of the chosen state, picked by name (the draft keeps their codes, comma-separated): none ticked is the whole state. */
function CountyPicker(props: { readonly stateFips: string; readonly value: string; readonly className: string; readonly onChange: (counties: string) => void }) {
  const counties = useCountyNames(props.stateFips === '' ? null : props.stateFips);
  const [find, setFind] = useState('');
  const chosen = props.value.split(/[\s,;]+/).filter((c) => c !== '');
  const toggle = (fips: string, on: boolean) => props.onChange((on ? [...chosen, fips] : chosen.filter((c) => c !== fips)).join(', '));
  const words = find.trim().toLowerCase();
  const shown = (counties ?? []).filter((c) => words === '' || c.name.toLowerCase().includes(words));
  const nameOf = (fips: string) => counties?.find((c) => c.fips === fips)?.name ?? fips;
  return (
    <fieldset className={`county-picker ${props.className}`}>
      <legend>Counties (optional; the whole state when none is ticked)</legend>
      {props.stateFips === '' ? (
        <p className="muted small">Choose a state first, then tick its counties by name.</p>
      ) : counties === null ? (
        <p className="muted small">Loading the state’s counties…</p>
      ) : (
        <>
          <p className="small" aria-live="polite">
            {chosen.length === 0 ? 'The whole state.' : `Chosen: ${chosen.map(nameOf).join(', ')}.`}
          </p>
          <input type="search" value={find} aria-label="Find a county by name" placeholder="Find a county, e.g. Dane" onChange={(e) => setFind(e.target.value)} />
          <div className="county-choices" role="group" aria-label="Counties">
            {shown.map((c) => (
              <label key={c.fips} className="choice">
                <input type="checkbox" name="county" value={c.fips} checked={chosen.includes(c.fips)} onChange={(e) => toggle(c.fips, e.target.checked)} />
                {c.name}
              </label>
            ))}
            {shown.length === 0 ? <p className="muted small">No county of this state is called that.</p> : null}
          </div>
        </>
      )}
    </fieldset>
  );
}
