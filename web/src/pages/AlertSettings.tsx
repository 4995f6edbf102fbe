import { useState, type FormEvent } from 'react';
import { call, type ApiProblem, type ApiResponse, type ApiResult } from '../api.ts';
import { LoadedTable } from '../components/DataTable.tsx';
import { Loading, ProblemBox } from '../components/Status.tsx';
import { ScrollArea } from '../components/ScrollArea.tsx';
import { formatWhen } from '../format.ts';
import { Link } from '../router.tsx';
import { useSession } from '../session.tsx';
import { mapLoadable, useRoute } from '../use-api.ts';
import { RuleEditor } from './alerts/RuleEditor.tsx';
import { WATCH_KIND_WORDS, WATCH_KINDS, type WatchKind } from './alerts/words.ts';
import { useRouteReload } from './settings/reload.ts';

/**
 * Alert settings: how I get email and my own watch rules; for org-admins the organization's watch
 * list, rules, notification plan and webhooks (the server says who is one: /org/webhooks answers 403 otherwise).
 */
export function AlertSettings() {
  const { me } = useSession();
  const hooks = useRoute('/api/v1/org/webhooks');
  if (me === null) return <Loading what="alert settings" />;
  const admin = hooks.state === 'ready';
  return (
    <div className="settings">
      <div className="page-head">
        <div>
          <h1>Alert settings</h1>
          <p className="muted">What Rampart tells you of, and how. <Link to="/notifications">See your alerts</Link>.</p>
        </div>
      </div>
      <nav className="section-nav" aria-label="Alert settings sections">
        <a href="#my-email">My email</a>
        <a href="#my-rules">My watch rules</a>
        {admin ? (
          <>
            <a href="#watch-list">Watch list</a>
            <a href="#org-rules">Organization rules</a>
            <a href="#plan">Notification plan</a>
            <a href="#webhooks">Webhooks</a>
          </>
        ) : null}
      </nav>
      <MyEmail />
      <section className="card" id="my-rules">
        <h2>My watch rules</h2>
        <p className="muted small">You are told of what is shared with you and meets any of these rules. Urgent items (a disrupted function, a high-severity incident) are emailed at once.</p>
        <RuleEditor scope="person" myState={me.stateFips} />
      </section>
      {hooks.state === 'loading' ? <Loading what="organization alert settings" /> : null}
      {hooks.state === 'error' ? <p className="muted">{hooks.problem.status === 403 ? 'Only org-admins manage the organization’s watch list, rules, notification plan and webhooks.' : hooks.problem.detail}</p> : null}
      {admin ? (
        <>
          <WatchList />
          <section className="card" id="org-rules">
            <h2>Rules for everyone in my organization</h2>
            <RuleEditor scope="organization" myState={me.stateFips} />
          </section>
          <Plan />
          <Webhooks />
        </>
      ) : null}
    </div>
  );
}

type EmailMode = ApiResponse<'/api/v1/me/notification-settings'>['email_mode'];
const MODES: readonly { readonly mode: EmailMode; readonly label: string }[] = [
  { mode: 'as-rules', label: 'As each rule says (urgent items at once)' },
  { mode: 'digest', label: 'Everything but urgent items in one daily email' },
  { mode: 'none', label: 'No email; I read my alerts in Rampart' },
];

function MyEmail() {
  const [settings, reload] = useRouteReload('/api/v1/me/notification-settings');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [saved, setSaved] = useState(false);
  // The choice shows at once while the server saves it (as the plan below does); dropped when the save is refused.
  const [chosen, setChosen] = useState<EmailMode | null>(null);
  const change = async (mode: EmailMode) => {
    setProblem(null);
    setSaved(false);
    setChosen(mode);
    const res = await call('put', '/api/v1/me/notification-settings', { body: { email_mode: mode } });
    if (res.ok) setSaved(true);
    else {
      setProblem(res.error);
      setChosen(null);
    }
    reload();
  };
  const mode = chosen ?? (settings.state === 'ready' ? settings.value.email_mode : null);
  return (
    <section className="card" id="my-email">
      <h2>My email</h2>
      {problem === null ? null : <ProblemBox problem={problem} />}
      {settings.state === 'error' ? <ProblemBox problem={settings.problem} /> : null}
      <fieldset>
        <legend className="sr-only">How I get email</legend>
        {MODES.map((m) => (
          <label key={m.mode} className="choice">
            <input type="radio" name="email-mode" value={m.mode} checked={mode === m.mode} onChange={() => void change(m.mode)} /> {m.label}
          </label>
        ))}
      </fieldset>
      <p className="muted small">Items marked TLP:AMBER+STRICT or TLP:RED are only announced by email; you sign in to read them. {saved ? <span role="status">Saved.</span> : null}</p>
    </section>
  );
}

function WatchList() {
  const [items, reload] = useRouteReload('/api/v1/org/watch-list');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [kind, setKind] = useState<WatchKind>('domain');
  const [value, setValue] = useState('');
  const [label, setLabel] = useState('');
  const act = async (send: () => Promise<ApiResult<unknown>>) => {
    setProblem(null);
    const res = await send();
    if (!res.ok) setProblem(res.error);
    reload();
    return res.ok;
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (await act(() => call('post', '/api/v1/org/watch-list', { body: { kind, value, ...(label.trim() === '' ? {} : { label: label.trim() }) } }))) {
      setValue('');
      setLabel('');
    }
  };
  return (
    <section className="card" id="watch-list">
      <h2>Watch list</h2>
      <p className="muted small">Your organization’s own domains, addresses and web addresses. Everyone here is told when something newly shared with you names one of them.</p>
      {problem === null ? null : <ProblemBox problem={problem} />}
      <LoadedTable
        what="watch list"
        rows={mapLoadable(items, (v) => v.items)}
        className="wide-first watch-table"
        rowKey={(i) => i.id}
        empty={{ text: 'Nothing watched yet. Add your website’s domain, your office’s address range and your email domain.' }}
        columns={[
          { header: 'Watched', cell: (i) => <span className="mono">{i.value}</span> },
          { header: 'Kind', cell: (i) => WATCH_KIND_WORDS[i.kind], className: 'small kind-cell' },
          { header: 'Note', cell: (i) => i.label ?? '', className: 'small note-cell' },
          {
            header: 'Actions',
            cell: (i) => (
              <button type="button" onClick={() => void act(() => call('delete', '/api/v1/org/watch-list/{id}', { params: { id: i.id } }))} aria-label={`Stop watching ${i.value}`}>
                Remove
              </button>
            ),
          },
        ]}
      />
      <form className="form-row" onSubmit={(e) => void add(e)}>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(WATCH_KINDS.find((k) => k === e.target.value) ?? 'domain')}>
            {WATCH_KINDS.map((k) => (
              <option key={k} value={k}>
                {WATCH_KIND_WORDS[k]}
              </option>
            ))}
          </select>
        </label>
        <label>
          Value
          <input value={value} onChange={(e) => setValue(e.target.value)} required placeholder={kind === 'cidr' ? '198.51.100.0/24' : kind === 'url' ? 'https://results.example.gov/' : 'countyclerk.example.gov'} />
        </label>
        <label>
          Note (optional)
          <input value={label} onChange={(e) => setLabel(e.target.value)} maxLength={200} placeholder="Results website" />
        </label>
        <button type="submit" className="primary">
          Watch
        </button>
      </form>
    </section>
  );
}

const ALERT_KINDS = ['incident', 'status', 'watch-list', 'other', 'support'] as const;
type AlertKind = (typeof ALERT_KINDS)[number];
const KIND_WORDS: Record<AlertKind, string> = { incident: 'Incidents', status: 'Status changes', 'watch-list': 'Watch-list hits', other: 'Other alerts', support: 'Support requests' };
type PlanView = ApiResponse<'/api/v1/org/notification-plan'>;
type KindContacts = PlanView['contacts'][AlertKind];
type Role = 'none' | 'primary' | 'backup';

function Plan() {
  const [plan, reload] = useRouteReload('/api/v1/org/notification-plan');
  const people = useRoute('/api/v1/org/users');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [saved, setSaved] = useState(false);
  // What the person just chose, shown at once while the server saves it (a control that snaps back until the
  // answer comes reads as "did not take"); replaced by the server's answer, dropped when the save is refused.
  const [shown, setShown] = useState<PlanView | null>(null);
  if (plan.state !== 'ready') return <section className="card" id="plan">{plan.state === 'error' ? <ProblemBox problem={plan.problem} /> : <Loading what="notification plan" />}</section>;
  const p = shown ?? plan.value;
  const save = async (change: Partial<Omit<PlanView, 'contacts'>> | { contacts: Partial<Record<AlertKind, KindContacts>> }) => {
    setProblem(null);
    setSaved(false);
    setShown({ ...p, ...change, contacts: { ...p.contacts, ...('contacts' in change ? change.contacts : {}) } });
    const res = await call('put', '/api/v1/org/notification-plan', { body: change });
    if (res.ok) {
      setSaved(true);
      setShown(res.value);
    } else {
      setProblem(res.error);
      setShown(null);
    }
    reload();
  };
  const roleOf = (kind: AlertKind, id: string): Role => (p.contacts[kind].primary.includes(id) ? 'primary' : p.contacts[kind].backup.includes(id) ? 'backup' : 'none');
  const setRole = (kind: AlertKind, id: string, role: Role) => {
    const { primary, backup } = p.contacts[kind];
    const next: KindContacts = {
      primary: [...primary.filter((x) => x !== id), ...(role === 'primary' ? [id] : [])],
      backup: [...backup.filter((x) => x !== id), ...(role === 'backup' ? [id] : [])],
    };
    void save({ contacts: { [kind]: next } });
  };
  return (
    <section className="card" id="plan">
      <h2>Notification plan</h2>
      {problem === null ? null : <ProblemBox problem={problem} />}
      <label className="choice">
        <input type="checkbox" checked={p.defaults_enabled} onChange={(e) => void save({ defaults_enabled: e.target.checked })} /> Use Rampart’s standard rules for an organization like ours
      </label>
      <label className="inline-field">
        Tell the backup contacts when nobody has acknowledged an urgent alert after{' '}
        <select value={p.escalate_after_minutes} onChange={(e) => void save({ escalate_after_minutes: Number(e.target.value) })}>
          {[...new Set([5, 15, 30, 60, 120, 240, p.escalate_after_minutes])].sort((a, b) => a - b).map((m) => (
            <option key={m} value={m}>
              {m < 60 ? `${m} minutes` : `${m / 60} hour${m === 60 ? '' : 's'}`}
            </option>
          ))}
        </select>
      </label>
      <p className="muted small">
        For each kind of alert, primary contacts are emailed at once about every urgent one (a disrupted or compromised status, a high-severity incident). Backup contacts are emailed when nobody has acknowledged it in time. Support requests (one asked of us, or a change to one we asked for or take part in) go to their primary contacts every time, or to our org-admins when we name none; a request marked urgent goes to the backup contacts when nobody acknowledges it in time.
      </p>
      {people.state === 'ready' ? (
        <ScrollArea label="Alert contacts">
          <table className="intel-table wide-first contacts-table">
            <thead>
              <tr>
                <th scope="col">Person</th>
                {ALERT_KINDS.map((kind) => (
                  <th scope="col" key={kind}>
                    {KIND_WORDS[kind]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {people.value.map((person) => (
                <tr key={person.id}>
                  <td>
                    {person.name}
                    <div className="muted small">{person.email}</div>
                  </td>
                  {ALERT_KINDS.map((kind) => (
                    <td key={kind}>
                      <select aria-label={`${person.name}: contact for ${KIND_WORDS[kind].toLowerCase()}`} value={roleOf(kind, person.id)} onChange={(e) => setRole(kind, person.id, e.target.value as Role)}>
                        <option value="none">Not a contact</option>
                        <option value="primary">Primary</option>
                        <option value="backup">Backup</option>
                      </select>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollArea>
      ) : null}
      <p className="muted small">{saved ? <span role="status">Saved.</span> : null}</p>
    </section>
  );
}

type DeadDelivery = ApiResponse<'/api/v1/org/webhooks/{id}/dead-letters'>['deliveries'][number];

function Webhooks() {
  const [hooks, reload] = useRouteReload('/api/v1/org/webhooks');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [dead, setDead] = useState<{ readonly hook: string; readonly rows: readonly DeadDelivery[] } | null>(null);
  const act = async <T,>(send: () => Promise<ApiResult<T>>) => {
    setProblem(null);
    const res = await send();
    if (!res.ok) setProblem(res.error);
    reload();
    return res.ok ? res.value : null;
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const made = await act(() => call('post', '/api/v1/org/webhooks', { body: { url } }));
    if (made !== null) {
      setSecret(made.secret);
      setUrl('');
    }
  };
  const showDead = async (hook: string) => {
    const found = await act(() => call('get', '/api/v1/org/webhooks/{id}/dead-letters', { params: { id: hook } }));
    if (found !== null) setDead({ hook, rows: found.deliveries });
  };
  const now = new Date();
  return (
    <section className="card" id="webhooks">
      <h2>Webhooks</h2>
      <p className="muted small">
        Rampart sends signed JSON to your systems for everything your organization’s rules match. See the operators’ guide (docs/alerts.md) for checking the signature.
      </p>
      {problem === null ? null : <ProblemBox problem={problem} />}
      {secret === null ? null : (
        <div className="notice" role="status">
          Signing secret, shown only now — put it in the receiving system: <code className="mono">{secret}</code>{' '}
          <button type="button" onClick={() => setSecret(null)}>
            I have kept it
          </button>
        </div>
      )}
      <LoadedTable
        what="webhooks"
        rows={mapLoadable(hooks, (v) => v.webhooks)}
        className="wide-first webhooks-table"
        rowKey={(h) => h.id}
        empty={{ text: 'No webhooks.' }}
        columns={[
          { header: 'Address', cell: (h) => <span className="mono small">{h.url}</span> },
          { header: 'State', cell: (h) => (h.enabled ? 'On' : `Off${h.disabled_reason === null ? '' : `: ${h.disabled_reason}`}`), className: 'small' },
          {
            header: 'Actions',
            cell: (h) => (
              <span className="row-actions">
                <button type="button" onClick={() => void act(() => call('patch', '/api/v1/org/webhooks/{id}', { params: { id: h.id }, body: { enabled: !h.enabled } }))}>
                  {h.enabled ? 'Turn off' : 'Turn on'}
                </button>{' '}
                <button type="button" onClick={() => void showDead(h.id)}>
                  Failed deliveries
                </button>{' '}
                <button type="button" onClick={() => void act(() => call('delete', '/api/v1/org/webhooks/{id}', { params: { id: h.id } }))} aria-label={`Remove the webhook to ${h.url}`}>
                  Remove
                </button>
              </span>
            ),
          },
        ]}
      />
      {dead === null ? null : (
        <div className="dead-letters">
          <h3>Deliveries given up on</h3>
          {dead.rows.length === 0 ? <p className="muted">None.</p> : null}
          <ul>
            {dead.rows.map((d) => (
              <li key={d.id}>
                {formatWhen(d.created_at, now)} · {d.attempts} tries · {d.last_error ?? ''}{' '}
                <button type="button" onClick={() => void act(() => call('post', '/api/v1/org/webhooks/{id}/dead-letters/{delivery}/replay', { params: { id: dead.hook, delivery: d.id } })).then(() => showDead(dead.hook))}>
                  Send again
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <form className="form-row" onSubmit={(e) => void add(e)}>
        <label>
          Address of the receiving system
          <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} required placeholder="https://soc.example.gov/rampart" />
        </label>
        <button type="submit" className="primary">
          Add webhook
        </button>
      </form>
    </section>
  );
}
