import { useState, type FormEvent } from 'react';
import { call, type ApiProblem, type ApiResponse } from '../api.ts';
import { LoadedTable } from '../components/DataTable.tsx';
import { ProblemBox } from '../components/Status.tsx';
import { SubmitButton } from '../components/SubmitButton.tsx';
import { formatWhen } from '../format.ts';
import { everyWords } from '../settings-words.ts';
import { FeedAudiencePicker } from '../components/FeedAudiencePicker.tsx';
import { credentialRef, credentialWords, feedAudienceIssue, feedAudienceWords, feedProblemWords, INTERVALS, settingNameIssue, type CredentialChoice } from '../feed-words.ts';
import { useSession } from '../session.tsx';
import { fieldErrors } from '../sharing-words.ts';
import { mapLoadable, useRoute } from '../use-api.ts';
import { useRouteReload } from './settings/reload.ts';

/** A feed as the hub lists it. */
type Feed = ApiResponse<'/api/v1/feeds'>['feeds'][number];
type Refusal = ApiResponse<'/api/v1/feeds/{id}'>['refusals'][number];

interface FeedForm {
  readonly name: string;
  readonly url: string;
  readonly collection: string;
  readonly direction: 'pull' | 'push';
  readonly credential: CredentialChoice;
  /** The name of the server setting (environment variable) that holds the secret. */
  readonly setting: string;
  readonly interval_seconds: number;
  readonly audience: string[];
}

const EMPTY: FeedForm = { name: '', url: '', collection: '', direction: 'pull', credential: 'none', setting: '', interval_seconds: 3600, audience: [] };

/** What is still missing before the feed can be added, in words; null when nothing is. */
function missingWords(form: FeedForm, settingIssue: string | null): string | null {
  if (form.name.trim() === '') return 'Give the feed a name first.';
  if (form.url.trim() === '') return 'Give the address of the other server.';
  if (form.collection.trim() === '') return 'Give the collection on that server.';
  return settingIssue ?? feedAudienceIssue(form.direction, form.audience);
}

/** Federation feeds (org-admins): other TAXII servers this hub pulls from or pushes to. */
export function Feeds() {
  const [feeds, reload] = useRouteReload('/api/v1/feeds');
  const { me } = useSession();
  const orgs = useRoute('/api/v1/orgs');
  const orgNames = new Map(orgs.state === 'ready' ? orgs.value.map((o) => [o.id, o.name] as const) : []);
  const [form, setForm] = useState<FeedForm>(EMPTY);
  const settingIssue = settingNameIssue(form.credential, form.setting);
  const missing = missingWords(form, settingIssue);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [outcome, setOutcome] = useState<{ readonly ok: boolean; readonly text: string } | null>(null);
  const [running, setRunning] = useState<string | null>(null);
  const [refusals, setRefusals] = useState<{ readonly feed: Feed; readonly list: readonly Refusal[] } | null>(null);
  const showRefusals = async (f: Feed) => {
    const res = await call('get', '/api/v1/feeds/{id}', { params: { id: f.id } });
    if (res.ok) setRefusals({ feed: f, list: res.value.refusals });
    else setProblem(res.error);
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    setProblem(null);
    if (missing !== null) return;
    const { audience } = form;
    const body = { name: form.name.trim(), url: form.url.trim(), collection: form.collection.trim(), direction: form.direction, credential_ref: credentialRef(form.credential, form.setting), interval_seconds: form.interval_seconds };
    const res = await call('post', '/api/v1/feeds', { body: { ...body, ...(audience.length === 0 ? {} : { audience }) } });
    if (!res.ok) return setProblem(feedProblemWords(res.error, form.setting));
    setForm(EMPTY);
    reload();
  };
  const remove = async (f: Feed) => {
    if (!window.confirm(`Delete the feed ${f.name}? Objects already received stay.`)) return;
    const res = await call('delete', '/api/v1/feeds/{id}', { params: { id: f.id } });
    if (!res.ok) setProblem(res.error);
    reload();
  };
  const run = async (f: Feed) => {
    setRunning(f.id);
    setOutcome(null);
    const res = await call('post', '/api/v1/feeds/{id}/run', { params: { id: f.id } });
    setRunning(null);
    if (res.ok) setOutcome({ ok: res.value.run.status === 'ok', text: `${f.name}: ${res.value.run.status === 'ok' ? '' : 'the run failed: '}${res.value.run.message}` });
    else setProblem(res.error);
    reload();
  };
  if (feeds.state === 'error' && feeds.problem.status === 403) {
    return (
      <div className="feeds">
        <h1>Federation feeds</h1>
        <p className="notice">Only an org-admin of your organization sets up feeds to other hubs. Ask one of them if you need a feed.</p>
      </div>
    );
  }
  const err = (field: string) => (problem === null ? null : fieldErrors(problem.errors, field).map((m) => <span key={m} className="field-error">{m}</span>));
  const now = new Date();
  return (
    <div className="feeds">
      <h1>Federation feeds</h1>
      <p className="muted">Other TAXII 2.1 servers (another hub, an ISAC) that this hub pulls intelligence from or pushes yours to.</p>
      {problem === null ? null : <ProblemBox problem={problem} />}
      {outcome === null ? null : (
        <div className={outcome.ok ? 'success' : 'error'} role="status">
          {outcome.text}
        </div>
      )}
      <section className="card">
        <LoadedTable
          what="feeds"
          rows={mapLoadable(feeds, (body) => body.feeds)}
          className="wide-first feeds-table"
          rowKey={(f) => f.id}
          empty={{ text: 'No feeds yet.' }}
          columns={[
            {
              header: 'Feed',
              cell: (f) => (
                <>
                  {f.name}
                  <div className="small muted">{`${f.url} · collection ${f.collection}`}</div>
                  <div className="small">{feedAudienceWords(f.direction, f.audience, me, orgNames)}</div>
                  <div className="small muted">{credentialWords(f.credential_ref)}</div>
                </>
              ),
            },
            { header: 'Direction', cell: (f) => `${f.direction === 'push' ? 'Sends ours there' : 'Brings theirs here'}, ${everyWords(f.interval_seconds)}` },
            {
              header: 'Last run',
              className: 'small',
              cell: (f) => (
                <>
                  {f.last_run_at === null ? 'never' : formatWhen(f.last_run_at, now)}
                  {f.last_message === null ? null : (
                    <div className={f.last_status === 'error' ? 'field-error' : 'muted'}>{f.last_message}</div>
                  )}
                  {f.refused === 0 ? null : (
                    <div>
                      <button type="button" className="link" onClick={() => void showRefusals(f)}>
                        {f.refused === 1 ? '1 object was not stored: why?' : `${f.refused} objects were not stored: why?`}
                      </button>
                    </div>
                  )}
                </>
              ),
            },
            {
              header: 'Actions',
              cell: (f) => (
                <>
                  <button type="button" disabled={running !== null || f.running} onClick={() => void run(f)}>
                    {running === f.id ? 'Running…' : 'Run now'}
                  </button>{' '}
                  <button type="button" onClick={() => void remove(f)} aria-label={`Delete feed ${f.name}`}>
                    Delete
                  </button>
                </>
              ),
            },
          ]}
        />
      </section>
      {refusals === null ? null : (
        <section className="card" aria-label={`Objects not stored from ${refusals.feed.name}`}>
          <h2>{`Not stored from ${refusals.feed.name}`}</h2>
          <p className="muted">The newest first. None of these was stored or shared on this hub.</p>
          <ul>
            {refusals.list.map((r) => (
              <li key={`${r.id} ${r.version ?? ''}`}>
                {r.message} <span className="muted small">{formatWhen(r.refused_at, now)}</span>
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => setRefusals(null)}>
            Close
          </button>
        </section>
      )}
      <form className="card feed-form" onSubmit={(e) => void add(e)} noValidate>
        <h2>Add a feed</h2>
        <label>
          Name
          <input name="feed-name" value={form.name} placeholder="For example: State hub" onChange={(e) => setForm({ ...form, name: e.target.value })} />
          {err('name')}
        </label>
        <label>
          Address of the other server
          <span className="hint">Its TAXII address, starting with https://, as its operator gives it (for example https://hub.example.gov/taxii2/).</span>
          <input name="feed-url" type="url" inputMode="url" value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} />
          {err('url')}
        </label>
        <label>
          Collection on that server
          <span className="hint">The collection its operator told you to use, by its id or short name.</span>
          <input name="feed-collection" value={form.collection} onChange={(e) => setForm({ ...form, collection: e.target.value })} />
          {err('collection')}
        </label>
        <label>
          Direction
          <select name="feed-direction" value={form.direction} onChange={(e) => setForm({ ...form, direction: e.target.value === 'push' ? 'push' : 'pull' })}>
            <option value="pull">Pull: bring their objects here</option>
            <option value="push">Push: send ours there</option>
          </select>
        </label>
        <fieldset className="feed-credential">
          <legend>How this hub signs in to the other server</legend>
          <div className="choices">
            <label className="choice">
              <input type="radio" name="feed-credential-choice" checked={form.credential === 'none'} onChange={() => setForm({ ...form, credential: 'none' })} /> No password or key is needed
            </label>
            <label className="choice">
              <input type="radio" name="feed-credential-choice" checked={form.credential === 'setting'} onChange={() => setForm({ ...form, credential: 'setting' })} /> With a password or key kept on this hub’s server
            </label>
          </div>
          {form.credential === 'none' ? null : (
            <>
              <label>
                Name of the server setting that holds the password or key
                <span className="hint">
                  Passwords and keys are never typed here, so that they are not stored in Rampart’s database nor shown to anyone who opens this page. Whoever runs this hub’s server puts the secret in a setting of the server, and you give only that setting’s name.
                </span>
                <input name="feed-credential" value={form.setting} placeholder="For example: STATE_HUB_TOKEN" autoCapitalize="characters" spellCheck={false} onChange={(e) => setForm({ ...form, setting: e.target.value.toUpperCase() })} />
                {settingIssue === null || form.setting === '' ? null : <span className="field-error">{settingIssue}</span>}
                {err('credential_ref')}
              </label>
              <details className="small">
                <summary>What whoever runs the server sets up</summary>
                <p>
                  An environment variable of the Rampart server named as above, holding <code>bearer:</code> and the key the other server gave you, or <code>basic:</code>, the user name, a colon and the password. Then restart the server.
                </p>
              </details>
            </>
          )}
        </fieldset>
        <label>
          How often
          <select name="feed-interval" value={form.interval_seconds} onChange={(e) => setForm({ ...form, interval_seconds: Number(e.target.value) })}>
            {INTERVALS.map((i) => (
              <option key={i.seconds} value={i.seconds}>
                {i.label}
              </option>
            ))}
          </select>
          {err('interval_seconds')}
        </label>
        {me === null ? null : <FeedAudiencePicker direction={form.direction} me={me} orgs={orgs.state === 'ready' ? orgs.value : []} value={form.audience} onChange={(audience) => setForm({ ...form, audience })} />}
        {err('audience')}
        <SubmitButton className="primary" why={missing}>
          Add feed
        </SubmitButton>
      </form>
    </div>
  );
}
