import { useState, type FormEvent } from 'react';
import { SUPPORT_SERVICE_LABELS, SUPPORT_SERVICES, type SupportService } from '../../../src/domain/support.ts';
import { call, type ApiProblem } from '../api.ts';
import { Loading, ProblemBox } from '../components/Status.tsx';
import { formatWhen } from '../format.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { askWhy, noRequestsWords, otherSide, providersOf, showOfferings, SUPPORT_STATUS_LABELS } from '../support.ts';
import { useRoute } from '../use-api.ts';
import { useSupportEvents } from '../use-support-live.ts';
import { SubmitButton } from '../components/SubmitButton.tsx';

/** Both sides of support: the requests this organization made or was asked, asking for help, and the services it offers. */
export function Support() {
  const { me } = useSession();
  // Opened from an incident ("Ask for help with this incident"): the request will be about it.
  const incident = useLocation().params.get('incident');
  const [version, setVersion] = useState(0);
  useSupportEvents(() => setVersion((v) => v + 1));
  const requests = useRoute('/api/v1/support/requests', { version });
  const orgs = useRoute('/api/v1/orgs');
  if (me === null) return null;
  const myKind = orgs.state === 'ready' ? orgs.value.find((o) => o.id === me.orgId)?.kind : undefined;
  const mayAsk = myKind === 'state' || myKind === 'territory' || myKind === 'local';
  const items = requests.state === 'ready' ? requests.value.items : [];
  const now = new Date();
  return (
    <div className="support">
      <div className="page-head">
        <div>
          <h1>Support</h1>
          <p className="muted">
            {/* Until the directory says what kind the organization is, the words for both sides. */}
            {orgs.state === 'ready' && !mayAsk
              ? 'What election offices ask your organization for, and the services it offers them.'
              : 'Ask a federal agency, ISAC, the National Guard, your state or a vendor for help, and follow what you were asked.'}
          </p>
        </div>
      </div>
      {/* Asked from an incident: the form comes first, where the clerk is looking. */}
      {mayAsk && incident !== null ? <AskForm incident={incident} onAsked={(id) => navigate(`/support/${id}`)} /> : null}
      <section className="card">
        <h2>Requests</h2>
        {requests.state === 'loading' ? <Loading what="requests" /> : null}
        {requests.state === 'error' ? <ProblemBox problem={requests.problem} /> : null}
        {requests.state === 'ready' && items.length === 0 ? <p className="muted">{noRequestsWords(mayAsk)}</p> : null}
        <ul className="item-list support-list">
          {items.map((r) => (
            <li key={r.id}>
              <Link to={`/support/${r.id}`}>{r.title}</Link>
              {r.incident === null ? null : <div className="small">About the incident: {r.incident.title}</div>}
              <div className="muted small">
                {r.urgent ? <span className="urgent-tag">Urgent</span> : null} {r.service_label} · {otherSide(r)} · <span className={`pill support-${r.status}`}>{SUPPORT_STATUS_LABELS[r.status]}</span> · changed {formatWhen(r.updated_at, now)}
              </div>
            </li>
          ))}
        </ul>
      </section>
      {mayAsk && incident === null ? <AskForm incident={null} onAsked={(id) => navigate(`/support/${id}`)} /> : null}
      {!mayAsk && incident !== null && orgs.state === 'ready' ? <p className="notice">Only a state, territory or local election office asks for support here; your organization answers requests.</p> : null}
      <Catalogue asks={orgs.state === 'ready' ? mayAsk : null} />
    </div>
  );
}

function AskForm(props: { readonly incident: string | null; readonly onAsked: (id: string) => void }) {
  const { me } = useSession();
  const catalogue = useRoute('/api/v1/support/catalogue');
  const [withIncident, setWithIncident] = useState(true);
  const about = useRoute('/api/v1/objects/{id}', { params: { id: props.incident ?? '' }, skip: props.incident === null });
  const aboutObject = about.state === 'ready' && typeof about.value.object === 'object' && about.value.object !== null ? (about.value.object as Record<string, unknown>) : null;
  const incidentTitle = aboutObject !== null && aboutObject['type'] === 'incident' ? (typeof aboutObject['name'] === 'string' ? aboutObject['name'] : 'Untitled incident') : null;
  const incidentId = props.incident !== null && incidentTitle !== null && withIncident ? props.incident : null;
  const offerings = catalogue.state === 'ready' ? catalogue.value.items : [];
  const [provider, setProvider] = useState('');
  const [service, setService] = useState<SupportService | ''>('');
  const [title, setTitle] = useState('');
  const [details, setDetails] = useState('');
  const [urgent, setUrgent] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const services = offerings.filter((o) => o.provider.id === provider);
  const chosen = services.find((o) => o.service === service);
  const why = askWhy({ provider, serviceChosen: chosen !== undefined, title, details });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (chosen === undefined || why !== null) return;
    setBusy(true);
    setProblem(null);
    const res = await call('post', '/api/v1/support/requests', { body: { provider_org: provider, service: chosen.service, title: title.trim(), details: details.trim(), ...(urgent ? { urgent: true } : {}), ...(incidentId === null ? {} : { incident_id: incidentId }) } });
    setBusy(false);
    if (!res.ok) return setProblem(res.error);
    props.onAsked(res.value.id);
  };
  return (
    <form className="card ask-form" onSubmit={(e) => void submit(e)}>
      <h2>Ask for support</h2>
      {problem === null ? null : <ProblemBox problem={problem} />}
      {props.incident === null || incidentTitle === null ? null : withIncident ? (
        <p className="notice about-incident" data-testid="ask-incident">
          About the incident <Link to={`/intel/${encodeURIComponent(props.incident)}`}>{incidentTitle}</Link>. Whoever you ask sees this link only if that incident is shared with them.{' '}
          <button type="button" className="link" onClick={() => setWithIncident(false)}>
            Ask without it
          </button>
        </p>
      ) : null}
      {catalogue.state === 'ready' && offerings.length === 0 ? <p className="muted">No organization offers a service yet.</p> : null}
      <label>
        Who do you ask?
        <select name="provider" value={provider} onChange={(e) => (setProvider(e.target.value), setService(''))}>
          <option value="">Choose an organization</option>
          {providersOf(offerings, me?.orgId ?? '').map((p) => (
            <option key={p.id} value={p.id}>
              {p.name ?? p.id}
            </option>
          ))}
        </select>
      </label>
      <label>
        For what?
        <select name="service" value={service} onChange={(e) => setService(services.find((o) => o.service === e.target.value)?.service ?? '')} disabled={provider === ''}>
          <option value="">Choose a service they offer</option>
          {services.map((o) => (
            <option key={o.service} value={o.service}>
              {o.service_label}
            </option>
          ))}
        </select>
      </label>
      {chosen === undefined ? null : <p className="reason small">{chosen.description}</p>}
      <label>
        Title: what you need, in one line
        <input name="title" value={title} onChange={(e) => setTitle(e.target.value)} placeholder="e.g. Scan our results website" />
      </label>
      <label>
        Details: what you need, by when, and who to contact
        <textarea name="details" rows={4} value={details} onChange={(e) => setDetails(e.target.value)} />
      </label>
      <label className="choice">
        <input type="checkbox" name="urgent" checked={urgent} onChange={(e) => setUrgent(e.target.checked)} /> Urgent: we need help now (their contacts are emailed at once, and their backup contacts if nobody answers in time)
      </label>
      <p className="muted small">Only your organization and the one you ask will see it, and any organization you add later. Never include voters’ personal data.</p>
      {/* What is still missing sits beside the button, where the eyes are (on a phone the top of the form is out of sight). */}
      <SubmitButton className="primary" why={busy ? 'Sending…' : why}>
        Send request
      </SubmitButton>
    </form>
  );
}

/** The services this organization offers others; each can be published or withdrawn. */
function Catalogue(props: { readonly asks: boolean | null }) {
  const [version, setVersion] = useState(0);
  const mine = useRoute('/api/v1/support/offerings', { version });
  const offered = mine.state === 'ready' ? mine.value.items : [];
  const [opened, setOpened] = useState(false);
  // Only the services not listed yet are offered to add (one listed is changed by its own buttons above).
  const unlisted = SUPPORT_SERVICES.filter((s) => !offered.some((o) => o.service === s));
  const [chosen, setService] = useState<SupportService | null>(null);
  const service = chosen !== null && unlisted.includes(chosen) ? chosen : (unlisted[0] ?? null);
  const [description, setDescription] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const put = async (s: SupportService, body: { description: string; active: boolean }) => {
    setProblem(null);
    const res = await call('put', '/api/v1/support/offerings/{service}', { params: { service: s }, body });
    if (!res.ok) return setProblem(res.error);
    setDescription('');
    setVersion((v) => v + 1);
  };
  if (mine.state === 'error') return <ProblemBox problem={mine.problem} />;
  if (!showOfferings({ loaded: mine.state === 'ready', offered: offered.length, opened, asks: props.asks })) {
    return (
      <section className="card offer-services-folded">
        <p className="muted">Your organization offers no service to others yet. Offices can ask only for services an organization lists.</p>
        <button type="button" onClick={() => setOpened(true)}>
          Offer a service to others
        </button>
      </section>
    );
  }
  return (
    <section className="card">
      <h2>Services your organization offers others</h2>
      {problem === null ? null : <ProblemBox problem={problem} />}
      {offered.length === 0 ? <p className="muted">None yet. Offices can ask only for services listed here.</p> : null}
      <ul className="plain">
        {offered.map((o) => (
          <li key={o.service} className="group-row">
            <strong>{o.service_label}</strong> {o.active ? <span className="pill">offered</span> : <span className="pill">withdrawn</span>}
            <div className="muted small">{o.description}</div>
            <button type="button" className="link" onClick={() => void put(o.service, { description: o.description, active: !o.active })}>
              {o.active ? 'Withdraw' : 'Offer again'}
            </button>
          </li>
        ))}
      </ul>
      {service === null ? (
        <p className="muted">Your organization lists every kind of service; withdraw or offer one again above.</p>
      ) : (
        <form
          className="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void put(service, { description: description.trim(), active: true });
          }}
        >
          <label>
            Service
            <select name="offer-service" value={service} onChange={(e) => setService(unlisted.find((s) => s === e.target.value) ?? null)}>
              {unlisted.map((s) => (
                <option key={s} value={s}>
                  {SUPPORT_SERVICE_LABELS[s]}
                </option>
              ))}
            </select>
          </label>
          <label className="grow">
            What it is and how it works
            <input name="offer-description" value={description} onChange={(e) => setDescription(e.target.value)} />
          </label>
          <SubmitButton why={description.trim() === '' ? 'Say what the service is and how it works first.' : null}>Offer this service</SubmitButton>
        </form>
      )}
    </section>
  );
}

