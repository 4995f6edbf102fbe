import { useState } from 'react';
import { call, type ApiProblem } from '../api.ts';
import { formatWhen } from '../format.ts';
import { Loading, ProblemBox } from '../components/Status.tsx';
import { useSession } from '../session.tsx';
import { useRoute } from '../use-api.ts';
import { transparencyLine } from '../transparency-words.ts';

/** The public transparency log: its latest signed checkpoint and its entries, newest first; no sign-in. */
export function Transparency() {
  const { me } = useSession();
  const [version, setVersion] = useState(0);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const latest = useRoute('/api/v1/public/transparency/checkpoints/latest', { version });
  const log = useRoute('/api/v1/public/transparency/entries', { query: '?from=1&limit=1000', version });
  const now = new Date();
  const signNow = async () => {
    setProblem(null);
    const res = await call('post', '/api/v1/transparency/checkpoints');
    if (!res.ok) return setProblem(res.error);
    setVersion((v) => v + 1);
  };
  return (
    <div className="public transparency-page">
      <div className="page-head">
        <div>
          <h1>Transparency log</h1>
          <p className="lead">
            Everything this hub made public for election officials, and every time an official told a social-media platform about a post, in order. Nothing
            here can be changed or removed without it showing: each entry is chained to the one before, and the hub signs the chain.
          </p>
        </div>
      </div>
      <section className="card" aria-labelledby="checkpoint-heading">
        <h2 id="checkpoint-heading">Latest signed checkpoint</h2>
        {latest.state === 'loading' ? <Loading what="the checkpoint" /> : null}
        {latest.state === 'error' ? <ProblemBox problem={latest.problem} /> : null}
        {latest.state === 'ready' && latest.value.checkpoint === null ? (
          <p className="muted" data-testid="no-checkpoint">
            The hub has not signed a checkpoint yet{latest.value.size === 0 ? '.' : '; it signs one within minutes of a new entry.'}
          </p>
        ) : null}
        {latest.state === 'ready' && latest.value.checkpoint !== null ? (
          <p data-testid="checkpoint">
            {latest.value.checkpoint.tree_size} {latest.value.checkpoint.tree_size === 1 ? 'entry' : 'entries'}, signed {formatWhen(latest.value.checkpoint.time, now)} with key <code>{latest.value.checkpoint.key_id}</code>
            {latest.value.size > latest.value.checkpoint.tree_size ? ` (${latest.value.size - latest.value.checkpoint.tree_size} newer ${latest.value.size - latest.value.checkpoint.tree_size === 1 ? 'entry' : 'entries'} not signed yet)` : null}
            <br />
            <span className="muted small">
              Head <code>{latest.value.checkpoint.head_hash}</code>
            </span>
          </p>
        ) : null}
        {problem === null ? null : <ProblemBox problem={problem} />}
        {me === null ? null : (
          <button type="button" onClick={() => void signNow()}>
            Ask the hub to sign a checkpoint now
          </button>
        )}
        <p className="muted small">
          Anyone can check that nothing was changed or removed, with Rampart&apos;s free command-line tool:{' '}
          <code>rampart transparency verify {window.location.origin}</code>
        </p>
      </section>
      {log.state === 'loading' ? <Loading what="the log" /> : null}
      {log.state === 'error' ? <ProblemBox problem={log.problem} /> : null}
      {log.state === 'ready' && log.value.entries.length === 0 ? <p className="card muted">Nothing has been made public yet.</p> : null}
      {log.state === 'ready' && log.value.entries.length > 0 ? (
        <section className="card">
          <h2>Entries</h2>
          <ol className="transparency-log" reversed>
            {[...log.value.entries].reverse().map((e) => (
              <li key={e.seq} data-testid="log-entry">
                <strong>{transparencyLine(e.kind, e.content)}</strong>
                <span className="muted small">
                  {' '}
                  · #{e.seq} · {formatWhen(e.time, now)} · hash <code>{e.hash.slice(0, 12)}</code>
                </span>
              </li>
            ))}
          </ol>
          {log.value.next === null ? null : <p className="muted small">Showing the first 1000 entries; the API pages through the rest.</p>}
        </section>
      ) : null}
    </div>
  );
}
