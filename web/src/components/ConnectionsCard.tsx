import { TlpBadge } from './TlpBadge.tsx';
import { viaWords } from '../../../src/stix/ref-words.ts';
import { EMPTY_CONNECTIONS, kindWords, referrerVerb, summaryWords, type RefSummary } from '../connections.ts';
import { Link } from '../router.tsx';
import { useRoute } from '../use-api.ts';

const SHOWN = 100;

/** An object in a connection: a link when it is shared with the reader, otherwise only "Not shared with you". */
function Ref(props: { readonly summary: RefSummary }) {
  const s = props.summary;
  if (!s.shared) return <span className="muted not-shared">Not shared with you</span>;
  return (
    <>
      <Link to={`/intel/${encodeURIComponent(s.id)}`}>{summaryWords(s)}</Link> <span className="type-tag">{kindWords(s.type)}</span>
      {s.revoked ? <span className="pill">revoked</span> : null}
      <TlpBadge tlp={s.tlp} />
    </>
  );
}

/**
 * What this object refers to, its links (relationships, either way) and what else refers to it (reports, notes,
 * opinions, sightings), as the server lists them through the sharing rule: what the reader may not see is "Not shared with you".
 */
export function ConnectionsCard(props: { readonly objectId: string }) {
  const res = useRoute('/api/v1/objects/{id}/connections', { params: { id: props.objectId }, query: `?limit=${SHOWN}` });
  const referredBy = res.state === 'ready' ? res.value.referred_by : [];
  const links = referredBy.filter((r) => r.relationship !== null);
  const referrers = referredBy.filter((r) => r.relationship === null);
  return (
    <section className="card connections" aria-labelledby="connections-heading">
      <h2 id="connections-heading">Connections</h2>
      {res.state === 'loading' ? <p className="muted">Looking for connections…</p> : null}
      {res.state === 'error' ? <p className="muted">{res.problem.detail}</p> : null}
      {res.state === 'ready' ? (
        <>
          {/* A relationship is its own object pointing at both ends: listed under "Referred to by" it read "This refers to:
              Nothing … Referred to by: This indicates Campaign X". Links, either way, get their own list, first. */}
          {links.length === 0 ? null : (
            <>
              <h3>Links</h3>
              <ul className="related" aria-label="Links">
                {links.map((r) =>
                  r.relationship === null ? null : (
                    <li key={r.object.id}>
                      {r.relationship.direction === 'out' ? (
                        <>
                          <span className="muted">This {referrerVerb(r)}</span> <Ref summary={r.relationship.other} />
                        </>
                      ) : (
                        <>
                          <Ref summary={r.relationship.other} /> <span className="muted">{referrerVerb(r)} this</span>
                        </>
                      )}{' '}
                      <Link to={`/intel/${encodeURIComponent(r.object.id)}`} className="small">
                        (the link)
                      </Link>
                    </li>
                  ),
                )}
              </ul>
            </>
          )}
          <h3>This refers to</h3>
          {res.value.refers_to.length === 0 ? (
            <p className="muted small">{EMPTY_CONNECTIONS.refersTo}</p>
          ) : (
            <ul className="related" aria-label="This refers to">
              {res.value.refers_to.map((r, i) => (
                <li key={`${r.via}-${r.target.id}-${i}`}>
                  <span className="muted">{capitalise(viaWords(r.via))}</span> <Ref summary={r.target} />
                </li>
              ))}
            </ul>
          )}
          {res.value.refers_to_total > res.value.refers_to.length ? <p className="muted small">Showing {res.value.refers_to.length} of {res.value.refers_to_total}.</p> : null}
          <h3>Referred to by</h3>
          {referrers.length === 0 ? (
            <p className="muted small">{EMPTY_CONNECTIONS.referredBy}</p>
          ) : (
            <ul className="related" aria-label="Referred to by">
              {referrers.map((r) => (
                <li key={r.object.id}>
                  <Ref summary={r.object} /> <span className="muted">{referrerVerb(r)} this</span>
                </li>
              ))}
            </ul>
          )}
          {res.value.next_cursor === null ? null : <p className="muted small">Showing the newest {SHOWN}.</p>}
        </>
      ) : null}
    </section>
  );
}

const capitalise = (s: string) => (s === '' ? s : `${s.charAt(0).toUpperCase()}${s.slice(1)}`);
