import { useState, type FormEvent } from 'react';
import { call, type ApiProblem, type ApiResult } from '../api.ts';
import { Loading, ProblemBox } from '../components/Status.tsx';
import { formatWhen } from '../format.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { SUPPORT_ACTION_LABELS, SUPPORT_PARTY_WORDS, SUPPORT_STATUS_LABELS, type SupportAction, type SupportRequestView } from '../support.ts';
import { useRoute } from '../use-api.ts';
import { useSupportEvents } from '../use-support-live.ts';
import { SubmitButton } from '../components/SubmitButton.tsx';

/** One support request as either side sees it: its status and next steps, the messages, and who else may see it. */
export function SupportRequest(props: { readonly id: string }) {
  const { me } = useSession();
  const [version, setVersion] = useState(0);
  const [heard, setHeard] = useState(false);
  useSupportEvents((id) => {
    if (id !== props.id) return;
    setHeard(true);
    setVersion((v) => v + 1);
  });
  const res = useRoute('/api/v1/support/requests/{id}', { params: { id: props.id }, version });
  const [shown, setShown] = useState<SupportRequestView | null>(null);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [when, setWhen] = useState('');
  const [message, setMessage] = useState('');
  const [party, setParty] = useState('');
  const orgs = useRoute('/api/v1/orgs');
  // Keep the last answer on screen while a newer one loads, so a live change does not blank the page.
  const r = res.state === 'ready' ? res.value : shown;
  if (res.state === 'ready' && res.value !== shown) setShown(res.value);
  if (r === null) {
    if (res.state === 'error') {
      return (
        <div>
          <ProblemBox problem={res.problem} />
          <Link to="/support">← Support</Link>
        </div>
      );
    }
    return <Loading what="the request" />;
  }
  const now = new Date();
  const params = { id: r.id };
  /** Sends one change (an action, a message, a party) and shows what the hub said. */
  const post = async (send: () => Promise<ApiResult<unknown>>): Promise<boolean> => {
    setBusy(true);
    setProblem(null);
    const out = await send();
    setBusy(false);
    if (!out.ok) {
      setProblem(out.error);
      return false;
    }
    setVersion((v) => v + 1);
    return true;
  };
  const act = (action: SupportAction) => {
    if (action === 'schedule') {
      const at = new Date(when);
      if (when === '' || Number.isNaN(at.getTime())) return setProblem({ status: 400, title: 'Bad Request', detail: 'Choose the date and time agreed first.', code: 'missing-date', retryAfter: null, errors: [] });
      return void post(() => call('post', '/api/v1/support/requests/{id}/actions', { params, body: { action, scheduled_for: at.toISOString() } }));
    }
    void post(() => call('post', '/api/v1/support/requests/{id}/actions', { params, body: { action } }));
  };
  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (await post(() => call('post', '/api/v1/support/requests/{id}/messages', { params, body: { body: message.trim() } }))) setMessage('');
  };
  const inside = new Set([r.requester.id, r.provider.id, ...r.parties.map((p) => p.id)]);
  return (
    <div className="detail support-request">
      <p className="crumbs">
        <Link to="/support">← Support</Link>
      </p>
      <div className="page-head">
        <div>
          <div className="type-tag">
            {r.urgent ? <span className="urgent-tag">Urgent</span> : null} {r.service_label}
          </div>
          <h1>{r.title}</h1>
        </div>
        <span className={`pill big support-${r.status}`} data-testid="support-status">
          {SUPPORT_STATUS_LABELS[r.status]}
        </span>
      </div>
      {heard ? (
        <p className="muted small" role="status">
          Updated just now by the other side.
        </p>
      ) : null}
      {problem === null ? null : <ProblemBox problem={problem} />}
      <div className="grid-2 wide-left">
        <div>
          <section className="card">
            {r.incident === null ? null : (
              <p className="about-incident" data-testid="support-incident">
                <span className="type-tag">About the incident</span> <Link to={`/intel/${encodeURIComponent(r.incident.id)}`}>{r.incident.title}</Link>
              </p>
            )}
            <p className="description">{r.details}</p>
            <dl className="facts">
              <div>
                <dt>Asked by</dt>
                <dd>{r.requester.name}</dd>
              </div>
              <div>
                <dt>Asked of</dt>
                <dd>{r.provider.name}</dd>
              </div>
              <div>
                <dt>Asked</dt>
                <dd>{formatWhen(r.created_at, now)}</dd>
              </div>
              {r.scheduled_for === null ? null : (
                <div>
                  <dt>Scheduled for</dt>
                  <dd data-testid="scheduled-for">{new Date(r.scheduled_for).toLocaleString()}</dd>
                </div>
              )}
            </dl>
            {r.actions.length === 0 ? null : (
              <div className="case-moves">
                {r.actions.includes('schedule') ? (
                  <label className="inline-label">
                    Date and time agreed
                    <input type="datetime-local" name="scheduled_for" value={when} onChange={(e) => setWhen(e.target.value)} />
                  </label>
                ) : null}
                {r.actions.map((a) => (
                  <button key={a} type="button" className={a === 'accept' || a === 'complete' ? 'primary' : a === 'decline' || a === 'cancel' ? 'danger' : ''} disabled={busy} onClick={() => act(a)}>
                    {SUPPORT_ACTION_LABELS[a]}
                  </button>
                ))}
              </div>
            )}
          </section>
          <section className="card">
            <h2>Messages</h2>
            {(r.messages ?? []).length === 0 ? <p className="muted">No messages yet.</p> : null}
            <ol className="timeline" data-testid="messages">
              {(r.messages ?? []).map((m) => (
                <li key={m.id} className="timeline-note">
                  <div className="timeline-head">
                    <strong>{m.author.id === me?.orgId ? 'You' : m.author.name}</strong> <span className="when">{formatWhen(m.at, now)}</span>
                  </div>
                  <p className="description">{m.body}</p>
                </li>
              ))}
            </ol>
            <form onSubmit={(e) => void send(e)} className="note-form">
              <label>
                Write to {r.role === 'provider' ? r.requester.name : r.role === 'requester' ? r.provider.name : 'both sides'}
                <textarea name="message" rows={3} value={message} onChange={(e) => setMessage(e.target.value)} />
              </label>
              <SubmitButton why={busy ? 'Sending…' : message.trim() === '' ? 'Write your message above first.' : null}>Send message</SubmitButton>
            </form>
          </section>
        </div>
        <aside>
          <section className="card">
            <h2>Who sees this request</h2>
            <ul className="plain">
              <li>
                {r.requester.name} <span className="muted small">— {SUPPORT_PARTY_WORDS.requester}</span>
              </li>
              <li>
                {r.provider.name} <span className="muted small">— {SUPPORT_PARTY_WORDS.provider}</span>
              </li>
              {r.parties.map((p) => (
                <li key={p.id}>
                  {p.name} <span className="muted small">— {SUPPORT_PARTY_WORDS.party}</span>
                </li>
              ))}
            </ul>
            {r.role === 'requester' ? (
              <form
                className="inline-form"
                onSubmit={(e) => {
                  e.preventDefault();
                  void post(() => call('post', '/api/v1/support/requests/{id}/parties', { params, body: { org_id: party } })).then((done) => done && setParty(''));
                }}
              >
                <label>
                  Let another organization see it
                  <select name="party" value={party} onChange={(e) => setParty(e.target.value)}>
                    <option value="">Choose an organization</option>
                    {(orgs.state === 'ready' ? orgs.value : [])
                      .filter((o) => !inside.has(o.id))
                      .map((o) => (
                        <option key={o.id} value={o.id}>
                          {o.name}
                        </option>
                      ))}
                  </select>
                </label>
                <SubmitButton why={busy ? 'Adding…' : party === '' ? 'Choose an organization above first.' : null}>Add</SubmitButton>
              </form>
            ) : (
              <p className="muted small">Only the office that asked decides who else sees its request.</p>
            )}
          </section>
        </aside>
      </div>
    </div>
  );
}
