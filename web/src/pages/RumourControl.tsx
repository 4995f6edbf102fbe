import { useState, type FormEvent } from 'react';
import { query } from '../api.ts';
import { formatWhen } from '../format.ts';
import { CorrectionCard } from '../components/CorrectionCard.tsx';
import { Loading, ProblemBox } from '../components/Status.tsx';
import { Link, navigate, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useRoute } from '../use-api.ts';

/** The public page: official corrections of election rumours and everything else shared with the public; no sign-in. */
export function RumourControl() {
  const { params } = useLocation();
  const { me } = useSession();
  const one = params.get('id');
  const state = params.get('state') ?? '';
  const election = params.get('election') ?? '';
  const q = params.get('q') ?? '';
  const [words, setWords] = useState(q);
  const list = useRoute('/api/v1/public/corrections', { query: query({ state, election, q }), skip: one !== null });
  const single = useRoute('/api/v1/public/corrections/{id}', { params: { id: one ?? '' }, skip: one === null });
  const notices = useRoute('/api/v1/public/notices', { skip: one !== null });
  const statements = useRoute('/api/v1/public/statements', { skip: one !== null });
  const now = new Date();
  const go = (next: { state?: string; election?: string; q?: string }) => {
    const merged = { state, election, q, ...next };
    navigate(`/rumour-control${query({ state: merged.state === '' ? null : merged.state, election: merged.election === '' ? null : merged.election, q: merged.q === '' ? null : merged.q })}`);
  };
  const search = (e: FormEvent) => {
    e.preventDefault();
    go({ q: words.trim() });
  };
  const feed = `/rumour-control/feed.atom${query({ state: state === '' ? null : state, election: election === '' ? null : election })}`;
  return (
    <div className="public">
      <div className="page-head">
        <div>
          <h1>Rumour control</h1>
          <p className="lead">
            Official corrections of false or misleading claims about elections, published by election offices and their partners. When in doubt, check
            with your local election office.
          </p>
        </div>
        {me === null ? null : (
          <Link to="/rumour-control/write" className="button primary">
            Write a correction
          </Link>
        )}
      </div>
      {one !== null ? (
        <>
          <p>
            <Link to="/rumour-control">All corrections</Link>
          </p>
          {single.state === 'loading' ? <Loading what="the correction" /> : null}
          {single.state === 'error' ? <ProblemBox problem={single.problem} /> : null}
          {single.state === 'ready' ? <CorrectionCard correction={single.value} now={now} /> : null}
        </>
      ) : (
        <>
          <form className="card filters" role="search" onSubmit={search}>
            <label>
              State
              <select value={state} onChange={(e) => go({ state: e.target.value })}>
                <option value="">All states</option>
                {(list.state === 'ready' ? list.value.states : []).map((s) => (
                  <option key={s.fips} value={s.fips}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Election
              <select value={election} onChange={(e) => go({ election: e.target.value })}>
                <option value="">All elections</option>
                {(list.state === 'ready' ? list.value.elections : []).map((el) => (
                  <option key={el.id} value={el.id}>
                    {el.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="grow">
              Search
              <input type="search" value={words} placeholder="e.g. polling hours, ID, mail ballots" onChange={(e) => setWords(e.target.value)} />
            </label>
            <button type="submit">Search</button>
          </form>
          {list.state === 'loading' ? <Loading what="corrections" /> : null}
          {list.state === 'error' ? <ProblemBox problem={list.problem} /> : null}
          {list.state === 'ready' && list.value.items.length === 0 ? (
            <p className="card muted">{state === '' && election === '' && q === '' ? 'No corrections have been published yet.' : 'No corrections match. Try another state, election or fewer words.'}</p>
          ) : null}
          {list.state === 'ready' ? list.value.items.map((c) => <CorrectionCard key={c.id} correction={c} now={now} />) : null}
          {statements.state === 'ready' && statements.value.items.length > 0 ? (
            <section className="card">
              <h2>Joint statements</h2>
              {statements.value.items.map((st) => (
                <article key={st.id} className="joint-statement" data-testid="joint-statement">
                  <h3>{st.title}</h3>
                  <p className="statement-words">{st.text}</p>
                  <p className="muted small">
                    Signed by {st.signers.join(', ')} · {formatWhen(st.published, now)} ·{' '}
                    <a href={`/api/v1/public/statements/${encodeURIComponent(st.id)}`} download={`joint-statement-${st.id}.json`}>
                      signed copy
                    </a>{' '}
                    and the{' '}
                    <a href="/.well-known/rampart-keys.json" download="rampart-keys.json">
                      public keys
                    </a>{' '}
                    (anyone can check that it is genuine with Rampart’s free command-line tool)
                  </p>
                </article>
              ))}
            </section>
          ) : null}
          {notices.state === 'ready' && notices.value.items.length > 0 ? (
            <section className="card">
              <h2>Other information shared with the public</h2>
              <ul className="notices">
                {notices.value.items.map((n) => (
                  <li key={n.id}>
                    <strong>{n.name ?? n.type}</strong>
                    {n.description === null ? null : <span> — {n.description.length > 280 ? `${n.description.slice(0, 277)}…` : n.description}</span>}
                    <span className="muted small">
                      {' '}
                      ({n.publisher === null ? n.type : `${n.publisher}, ${n.type}`})
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          <section className="card small">
            <h2>Follow and share</h2>
            <p>
              Follow these corrections in a feed reader: <a href={feed}>Atom feed</a>.
            </p>
            <p>A state or county website can show its own corrections by adding this line to a page:</p>
            <pre className="snippet">{`<script src="${window.location.origin}/rumour-control/widget.js" data-state="${state === '' ? '55' : state}" async></script>`}</pre>
          </section>
        </>
      )}
    </div>
  );
}
