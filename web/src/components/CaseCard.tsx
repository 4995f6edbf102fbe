import { useEffect, useState, type FormEvent } from 'react';
import { nextCaseStatuses } from '../../../src/domain/case.ts';
import type { CaseStatus } from '../../../src/domain/election.ts';
import { call, query, type ApiProblem, type ApiResult } from '../api.ts';
import { CASE_STATUS_LABELS, moveLabel, readCase } from '../case.ts';
import { formatWhen, typeLabel } from '../format.ts';
import { displayName, isRecord, readObjectRow, type SharingView } from '../objects.ts';
import { Link } from '../router.tsx';
import type { Me } from '../session.tsx';
import { useMembersFirstSearch } from '../members-first.ts';
import { useRoute } from '../use-api.ts';
import { ProblemBox } from './Status.tsx';
import { SubmitButton } from './SubmitButton.tsx';
import { TlpBadge } from './TlpBadge.tsx';

interface Props {
  readonly incidentId: string;
  readonly object: Readonly<Record<string, unknown>>;
  readonly sharing: SharingView;
  readonly me: Me;
  /** Bumped after each change here, so the page reloads the incident and its timeline. */
  readonly version: number;
  readonly onChanged: () => void;
}

/** The incident as a case: status and its next steps, assignee, referral, the timeline of notes, links and "seen here too". */
export function CaseCard(props: Props) {
  const { incidentId, object, sharing, me } = props;
  const owner = sharing.owner === me.orgId;
  const kase = readCase(object);
  const revoked = object['revoked'] === true;
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);

  const post = async (send: () => Promise<ApiResult<unknown>>): Promise<boolean> => {
    setBusy(true);
    setProblem(null);
    const res = await send();
    setBusy(false);
    if (!res.ok) {
      setProblem(res.error);
      return false;
    }
    props.onChanged();
    return true;
  };
  const move = (to: CaseStatus) => void post(() => call('post', '/api/v1/incidents/{id}/case', { params: { id: incidentId }, body: { status: to } }));

  return (
    <section className="card case-card" aria-labelledby="case-heading">
      <h2 id="case-heading">Case</h2>
      {problem === null ? null : <ProblemBox problem={problem} />}
      <p>
        Status: <strong data-testid="case-status">{CASE_STATUS_LABELS[kase.status]}</strong>
      </p>
      {owner && !revoked ? (
        <div className="case-moves">
          {nextCaseStatuses(kase.status).map((to) => (
            <button key={to} type="button" className={to === 'resolved' ? 'primary' : ''} disabled={busy} onClick={() => move(to)}>
              {moveLabel(to)}
            </button>
          ))}
        </div>
      ) : null}
      {owner ? <Assignee incidentId={incidentId} assignee={kase.assignee} disabled={busy || revoked} post={post} /> : null}
      <Referral incidentId={incidentId} view={kase} owner={owner && !revoked} post={post} />
      <Timeline incidentId={incidentId} version={props.version} me={me} sharing={sharing} post={post} busy={busy} revoked={revoked} />
      {owner && !revoked ? <LinkItems incidentId={incidentId} post={post} busy={busy} /> : null}
      {!owner && !revoked ? <SeenHereToo incidentId={incidentId} me={me} post={post} busy={busy} /> : null}
    </section>
  );
}

/** Sends one change to the case (through call(), typed by the route) and says whether the hub took it. */
type Post = (send: () => Promise<ApiResult<unknown>>) => Promise<boolean>;

function Assignee(props: { readonly incidentId: string; readonly assignee: string | null; readonly disabled: boolean; readonly post: Post }) {
  const people = useRoute('/api/v1/incidents/assignees');
  const list = people.state === 'ready' ? people.value : [];
  // The choice shows at once while the server saves it, instead of snapping back until the case reloads; dropped if refused.
  const [chosen, setChosen] = useState<string | null>(null);
  useEffect(() => setChosen(null), [props.assignee]);
  return (
    <label className="case-field">
      Assigned to
      <select
        value={chosen ?? props.assignee ?? ''}
        disabled={props.disabled || people.state !== 'ready'}
        onChange={(e) => {
          const value = e.target.value;
          setChosen(value);
          void props.post(() => call('post', '/api/v1/incidents/{id}/case', { params: { id: props.incidentId }, body: { assignee: value === '' ? null : value } })).then((ok) => {
            if (!ok) setChosen(null);
          });
        }}
      >
        <option value="">Nobody yet</option>
        {list.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function Referral(props: { readonly incidentId: string; readonly view: ReturnType<typeof readCase>; readonly owner: boolean; readonly post: Post }) {
  const [agency, setAgency] = useState('');
  const [reference, setReference] = useState('');
  const [open, setOpen] = useState(false);
  const { referral, category } = props.view;
  const threat = category === 'threat-to-election-workers';
  if (referral !== null) {
    return (
      <p className="notice" data-testid="referral">
        Referred to law enforcement: <strong>{referral.agency}</strong> on {formatWhen(referral.referredAt, new Date())}
        {referral.reference === null ? '' : ` (their reference: ${referral.reference})`}.
      </p>
    );
  }
  if (!props.owner) return threat ? <p className="muted small">Not yet referred to law enforcement.</p> : null;
  if (!threat && !open) {
    return (
      <p>
        <button type="button" className="link" onClick={() => setOpen(true)}>
          Record a referral to law enforcement
        </button>
      </p>
    );
  }
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await props.post(() => call('post', '/api/v1/incidents/{id}/case', { params: { id: props.incidentId }, body: { referral: { agency, ...(reference.trim() === '' ? {} : { reference }) } } }))) setAgency('');
  };
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)}>
      {threat ? <p className="notice small">Threats to election officials and workers go to law enforcement. Record who you told, and when.</p> : null}
      <label>
        Referred to (agency or office)
        <input value={agency} onChange={(e) => setAgency(e.target.value)} placeholder="e.g. FBI field office, sheriff" required />
      </label>
      <label>
        Their reference (optional)
        <input value={reference} onChange={(e) => setReference(e.target.value)} />
      </label>
      <button type="submit" disabled={agency.trim() === ''}>
        Record referral
      </button>
    </form>
  );
}

function Timeline(props: { readonly incidentId: string; readonly version: number; readonly me: Me; readonly sharing: SharingView; readonly post: Post; readonly busy: boolean; readonly revoked: boolean }) {
  const res = useRoute('/api/v1/incidents/{id}/timeline', { params: { id: props.incidentId }, version: props.version });
  const [content, setContent] = useState('');
  const [onlyUs, setOnlyUs] = useState(false);
  const now = new Date();
  const items = res.state === 'ready' ? res.value.items : [];
  let previous: string | null = null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const sharing = onlyUs ? { tlp: 'amber+strict' as const, audience: [`org:${props.me.orgId}`] } : {};
    if (await props.post(() => call('post', '/api/v1/incidents/{id}/notes', { params: { id: props.incidentId }, body: { content, ...sharing } }))) {
      setContent('');
      setOnlyUs(false);
    }
  };
  return (
    <div className="timeline-wrap">
      <h3>Timeline</h3>
      {res.state === 'error' ? <p className="muted">{res.problem.detail}</p> : null}
      <ol className="timeline" data-testid="timeline">
        {items.map((item, i) => {
          const who = item.owner === props.me.orgId ? 'Your organization' : (item.owner_name ?? 'Another organization');
          if (item.kind === 'note') {
            return (
              <li key={i} className="timeline-note">
                <div className="timeline-head">
                  <strong>{who}</strong> <span className="when">{formatWhen(item.at, now)}</span> <TlpBadge tlp={item.tlp} />
                </div>
                <p className="description">{typeof item.object['content'] === 'string' ? item.object['content'] : ''}</p>
              </li>
            );
          }
          const status = readCase(item.object).status;
          const what = item.object['revoked'] === true ? 'Revoked' : previous === null ? 'Reported' : previous !== status ? CASE_STATUS_LABELS[status] : 'Updated';
          previous = status;
          return (
            <li key={i} className="timeline-version">
              <span className="pill">{what}</span> <span className="when">{formatWhen(item.at, now)}</span>
            </li>
          );
        })}
      </ol>
      {props.revoked ? null : (
        <form onSubmit={(e) => void submit(e)} className="note-form">
          <label>
            Add a note
            <textarea rows={3} value={content} onChange={(e) => setContent(e.target.value)} placeholder="What happened since, what you did, who you told." />
          </label>
          <label className="choice">
            <input type="checkbox" checked={onlyUs} onChange={(e) => setOnlyUs(e.target.checked)} /> Only my organization may read this note
          </label>
          <p className="muted small">Otherwise the note is shared with the same places as the incident, never wider.</p>
          <SubmitButton why={props.busy ? 'Saving…' : content.trim() === '' ? 'Write the note above first.' : null}>Add note</SubmitButton>
        </form>
      )}
    </div>
  );
}

const LINKABLE = 'indicator,attack-pattern,threat-actor,intrusion-set,campaign,malware,tool,vulnerability,infrastructure';

function LinkItems(props: { readonly incidentId: string; readonly post: Post; readonly busy: boolean }) {
  const [text, setText] = useState('');
  const [searched, setSearched] = useState<string | null>(null);
  const res = useMembersFirstSearch(searched, LINKABLE);
  const rows = res.state === 'ready' && searched !== null ? res.value.flatMap((i) => (isRecord(i) ? [i] : [])) : [];
  return (
    <div className="link-items">
      <h3>Link an indicator, technique or threat actor</h3>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          setSearched(text.trim());
        }}
      >
        <label>
          Search what is shared with you
          <input type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="e.g. phishing or a domain" />
        </label>
        <button type="submit" disabled={text.trim() === ''}>
          Search
        </button>
      </form>
      {searched !== null && res.state === 'ready' && rows.length === 0 ? <p className="muted">Nothing shared with you matches “{searched}”.</p> : null}
      <ul className="plain link-results">
        {rows.map((o) => {
          const row = readObjectRow(o);
          const id = String(o['id']);
          return (
            <li key={id}>
              <span className="pill">{typeLabel(String(o['type']))}</span> {displayName(o) ?? id} {row?.tlp === undefined || row.tlp === null ? null : <TlpBadge tlp={row.tlp} />}{' '}
              <button type="button" disabled={props.busy} onClick={() => void props.post(() => call('post', '/api/v1/incidents/{id}/links', { params: { id: props.incidentId }, body: { target_id: id } })).then((done) => done && setSearched(null))}>
                Link
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function SeenHereToo(props: { readonly incidentId: string; readonly me: Me; readonly post: Post; readonly busy: boolean }) {
  const res = useRoute('/api/v1/objects', { query: query({ type: 'incident', limit: 100 }) });
  const mine = res.state === 'ready' ? res.value.items.flatMap((i) => (isRecord(i) && i['created_by_ref'] === props.me.orgId && i['revoked'] !== true ? [i] : [])) : [];
  const [chosen, setChosen] = useState('');
  return (
    <div className="seen-here-too">
      <h3>Seen here too?</h3>
      {mine.length === 0 ? (
        <p className="muted small">
          If the same happened to you, <Link to="/report">report it</Link>, then come back to link your report to this one.
        </p>
      ) : (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void props.post(() => call('post', '/api/v1/incidents/{id}/corroborations', { params: { id: props.incidentId }, body: { incident_id: chosen } }));
          }}
        >
          <label>
            Your report of the same thing
            <select value={chosen} onChange={(e) => setChosen(e.target.value)}>
              <option value="">Choose one of your incidents</option>
              {mine.map((o) => (
                <option key={String(o['id'])} value={String(o['id'])}>
                  {displayName(o) ?? String(o['id'])}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" disabled={props.busy || chosen === ''}>
            We saw this too
          </button>
          <span className="muted small">The link is shared like your report; its owner sees it only if your report reaches them.</span>
        </form>
      )}
    </div>
  );
}
