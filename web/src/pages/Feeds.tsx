import { useState, type FormEvent } from 'react';
import { call, type ApiProblem, type ApiResponse } from '../api.ts';
import { LoadedTable } from '../components/DataTable.tsx';
import { ProblemBox } from '../components/Status.tsx';
import { formatWhen } from '../format.ts';
import { everyWords } from '../settings-words.ts';
import { fieldErrors, parseKeys } from '../sharing-words.ts';
import { mapLoadable } from '../use-api.ts';
import { useRouteReload } from './settings/reload.ts';

/** A feed as the hub lists it. */
type Feed = ApiResponse<'/api/v1/feeds'>['feeds'][number];
type Refusal = ApiResponse<'/api/v1/feeds/{id}'>['refusals'][number];

const EMPTY = { name: '', url: '', collection: '', direction: 'pull' as 'pull' | 'push', credential_ref: 'none', interval_seconds: 3600, audience: '' };

/** Federation feeds (org-admins): other TAXII servers this hub pulls from or pushes to. */
export function Feeds() {
  const [feeds, reload] = useRouteReload('/api/v1/feeds');
  const [form, setForm] = useState(EMPTY);
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
    const audience = parseKeys(form.audience);
    const { audience: _typed, ...rest } = form;
    const res = await call('post', '/api/v1/feeds', { body: { ...rest, ...(audience.length === 0 ? {} : { audience }) } });
    if (!res.ok) return setProblem(res.error);
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
                  <div className="mono small muted">{`${f.url} · ${f.collection}`}</div>
                </>
              ),
            },
            { header: 'Direction', cell: (f) => `${f.direction}, ${everyWords(f.interval_seconds)}` },
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
      <form className="card" onSubmit={(e) => void add(e)}>
        <h2>Add a feed</h2>
        <label>
          Name
          <input name="feed-name" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          {err('name')}
        </label>
        <label>
          TAXII discovery or API root URL (https)
          <input name="feed-url" type="url" value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} />
          {err('url')}
        </label>
        <label>
          Collection id or alias
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
        <label>
          Credentials: none, or env:VARIABLE naming a server environment variable (never the secret itself)
          <input name="feed-credential" value={form.credential_ref} onChange={(e) => setForm({ ...form, credential_ref: e.target.value })} />
          {err('credential_ref')}
        </label>
        <label>
          Every (seconds, at least 60)
          <input name="feed-interval" type="number" min={60} max={604800} value={form.interval_seconds} onChange={(e) => setForm({ ...form, interval_seconds: Number(e.target.value) })} />
          {err('interval_seconds')}
        </label>
        <label>
          Audience keys (optional; pull: the widest audience received objects get; push: whose objects are sent)
          <input name="feed-audience" value={form.audience} onChange={(e) => setForm({ ...form, audience: e.target.value })} placeholder="e.g. state:55, community" />
          {err('audience')}
        </label>
        <button type="submit" className="primary" disabled={form.name === '' || form.url === '' || form.collection === ''}>
          Add feed
        </button>
      </form>
    </div>
  );
}
