import { useMemo, useState, type FormEvent } from 'react';
import type { AudienceKey } from '../../../src/domain/audience.ts';
import { tlpLabel } from '../../../src/domain/tlp.ts';
import { call, type ApiProblem } from '../api.ts';
import type { SharingView } from '../objects.ts';
import type { Me } from '../session.tsx';
import { audienceChoices, isAllowed, TLP_MEANING, tlpReason } from '../sharing-rules.ts';
import { audienceInWords, audienceSentence, fieldErrors, ownerInWords } from '../sharing-words.ts';
import { useRoute } from '../use-api.ts';
import { problemHeading } from '../problem-words.ts';
import { TlpBadge } from './TlpBadge.tsx';
import { hourWords } from '../connections.ts';
import { audienceKind } from '../../../src/domain/audience.ts';

/** Organization names by id, so nobody reads a bare identity id; `ready` once the directory has arrived. */
function useOrgDirectory(): { readonly names: ReadonlyMap<string, string>; readonly ready: boolean } {
  const orgs = useRoute('/api/v1/orgs');
  return useMemo(() => ({ names: new Map(orgs.state === 'ready' ? orgs.value.map((o) => [o.id, o.name] as const) : []), ready: orgs.state !== 'loading' }), [orgs]);
}

export function useOrgNames(): ReadonlyMap<string, string> {
  return useOrgDirectory().names;
}

/** Who may see an object; its owner may widen or narrow that here (PUT /api/v1/objects/{id}/sharing). */
export function SharingPanel(props: { readonly objectId: string; readonly sharing: SharingView; readonly me: Me | null }) {
  const { me } = props;
  const { names: orgNames, ready } = useOrgDirectory();
  const [current, setCurrent] = useState(props.sharing);
  const [editing, setEditing] = useState(false);
  const owner = me !== null && current.owner === me.orgId;
  const ownerName = ownerInWords(current.owner, me, ready ? orgNames : null);
  return (
    <section className="card sharing-panel">
      <h2>Sharing</h2>
      <dl className="facts">
        <div>
          <dt>Owner</dt>
          <dd>{ownerName}</dd>
        </div>
        <div>
          <dt>TLP</dt>
          <dd>
            <TlpBadge tlp={current.tlp} /> <span className="small">{TLP_MEANING[current.tlp]}</span>
          </dd>
        </div>
        <div>
          <dt>Shared with</dt>
          <dd className="audience-words">{ready || current.audience.every((k) => !k.startsWith('org:')) ? audienceSentence(current.audience, me, orgNames) : '…'}</dd>
        </div>
      </dl>
      {owner && !editing ? (
        <button type="button" onClick={() => setEditing(true)}>
          Change sharing
        </button>
      ) : null}
      {owner && editing ? (
        <SharingForm
          objectId={props.objectId}
          sharing={current}
          me={me}
          orgNames={orgNames}
          onDone={(s) => {
            if (s !== null) setCurrent(s);
            setEditing(false);
          }}
        />
      ) : null}
    </section>
  );
}

function SharingForm(props: {
  readonly objectId: string;
  readonly sharing: SharingView;
  readonly me: Me;
  readonly orgNames: ReadonlyMap<string, string>;
  readonly onDone: (s: SharingView | null) => void;
}) {
  const tlp = props.sharing.tlp;
  const [audience, setAudience] = useState<string[]>([...props.sharing.audience]);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const choices = audienceChoices(props.me);
  // Keys already set that the picker does not offer (another organization, a named colleague) stay choosable.
  const extra = props.sharing.audience.filter((k) => !choices.some((c) => c.key === k));
  const options = [...choices.map((c) => ({ key: c.key, label: c.label })), ...extra.map((k) => ({ key: k, label: audienceInWords(k, props.me, props.orgNames) }))];
  const toggle = (key: string, on: boolean) => setAudience((a) => (on ? [...a, key] : a.filter((k) => k !== key)));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setProblem(null);
    const res = await call('put', '/api/v1/objects/{id}/sharing', { params: { id: props.objectId }, body: { audience } });
    setBusy(false);
    if (res.ok) props.onDone(res.value.sharing);
    else setProblem(res.error);
  };
  const audienceErrors = problem === null ? [] : fieldErrors(problem.errors, 'audience');
  return (
    <form className="sharing-form" onSubmit={(e) => void submit(e)}>
      {problem === null ? null : (
        <div className="error" role="alert">
          <strong>{problemHeading(problem)}.</strong> {problem.detail}
        </div>
      )}
      <p className="reason">
        {tlpReason(tlp)} The TLP is part of the object itself: to change it, publish a new version with the new marking, then share it again.
      </p>
      <fieldset>
        <legend>Shared with</legend>
        <div className="choices">
          {options.map((o) => {
            const allowed = isAllowed(tlp, audienceKind(o.key as AudienceKey));
            return (
              <label key={o.key} className={allowed ? 'choice' : 'choice disabled'}>
                <input
                  type="checkbox"
                  name="sharing-audience"
                  value={o.key}
                  checked={audience.includes(o.key)}
                  disabled={!allowed && !audience.includes(o.key)}
                  onChange={(e) => toggle(o.key, e.target.checked)}
                />
                {o.label}
                {allowed ? null : <span className="small"> — not allowed at {tlpLabel(tlp)}</span>}
              </label>
            );
          })}
        </div>
        {audienceErrors.map((m) => (
          <p key={m} className="field-error">
            {m}
          </p>
        ))}
      </fieldset>
      <div className="actions compact">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save sharing'}
        </button>
        <button type="button" onClick={() => props.onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** "sighted N times by J jurisdictions in S states": anonymous, never who. */
export function SightingsSummary(props: { readonly objectId: string }) {
  const res = useRoute('/api/v1/objects/{id}/sightings/summary', { params: { id: props.objectId } });
  return (
    <section className="card">
      <h2>Sightings</h2>
      {res.state === 'loading' ? <p className="muted">Counting sightings…</p> : null}
      {res.state === 'error' ? <p className="muted">{res.problem.detail}</p> : null}
      {res.state === 'ready' ? <p className="sightings-summary">{res.value.sightings === 0 ? 'Not sighted yet.' : `${capitalise(res.value.text)}.`}</p> : null}
      {res.state === 'ready' && res.value.last_sighted !== null ? <p className="sightings-last">Last sighted {hourWords(res.value.last_sighted)}.</p> : null}
      <p className="muted small">Counted anonymously: Rampart never says who saw it.</p>
    </section>
  );
}

const capitalise = (s: string): string => (s === '' ? s : s[0]?.toUpperCase() + s.slice(1)).replace(/\.$/, '');
