import type { ApiResponse } from '../api.ts';
import { Loading, ProblemBox } from '../components/Status.tsx';
import { TlpBadge } from '../components/TlpBadge.tsx';
import { formatWhen } from '../format.ts';
import { useGet } from '../use-api.ts';

type RumourControlData = ApiResponse<'/api/v1/public/rumour-control'>;

const KIND: Readonly<Record<string, string>> = { 'rumour-control': 'Rumour control', 'joint-statement': 'Joint statement' };

/** The public page: official corrections of election rumours, TLP:CLEAR only, no sign-in. */
export function RumourControl() {
  const data = useGet<RumourControlData>('/api/v1/public/rumour-control');
  const now = new Date();
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
      </div>
      {data.state === 'loading' ? <Loading what="corrections" /> : null}
      {data.state === 'error' ? <ProblemBox problem={data.problem} /> : null}
      {data.state === 'ready' && data.value.items.length === 0 ? <p className="card muted">No corrections have been published yet.</p> : null}
      {data.state === 'ready'
        ? data.value.items.map((r) => (
            <article key={r.id} className="card rumour">
              <div className="rumour-head">
                <span className="type-tag">{r.report_types.map((t) => KIND[t] ?? t).join(' · ')}</span>
                <span className="free-to-share small" title="TLP:CLEAR: anyone may read and pass this on.">
                  Free to share <TlpBadge tlp="clear" />
                </span>
              </div>
              <h2>{r.name}</h2>
              {r.description === null ? null : <p>{r.description}</p>}
              <p className="muted small">
                {r.publisher === null ? 'Published' : `Published by ${r.publisher}`} · {formatWhen(r.published, now)}
              </p>
            </article>
          ))
        : null}
    </div>
  );
}
