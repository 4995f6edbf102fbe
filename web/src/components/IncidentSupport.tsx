import { Link } from '../router.tsx';
import { SUPPORT_STATUS_LABELS, otherSide } from '../support.ts';
import { useRoute } from '../use-api.ts';

/**
 * The support requests about an incident that the reader's organization is part of (the server lists only those, and none
 * when the reader may not see the incident), and, for an election office, a way to ask for help with it.
 */
export function IncidentSupport(props: { readonly incidentId: string; readonly orgId: string }) {
  const res = useRoute('/api/v1/support/requests', { query: `?incident=${encodeURIComponent(props.incidentId)}` });
  const orgs = useRoute('/api/v1/orgs');
  const kind = orgs.state === 'ready' ? orgs.value.find((o) => o.id === props.orgId)?.kind : undefined;
  // Election offices ask for support; federal agencies, ISACs and partners answer.
  const mayAsk = kind === 'state' || kind === 'territory' || kind === 'local';
  const items = res.state === 'ready' ? res.value.items : [];
  if (!mayAsk && items.length === 0) return null;
  return (
    <section className="card incident-support" aria-labelledby="incident-support-heading">
      <h2 id="incident-support-heading">Support requests</h2>
      {items.length === 0 ? (
        <p className="muted small">No support has been asked about this incident.</p>
      ) : (
        <ul className="item-list" aria-label="Support requests about this incident">
          {items.map((r) => (
            <li key={r.id}>
              <Link to={`/support/${r.id}`}>{r.title}</Link>
              <div className="muted small">
                {r.service_label} · {otherSide(r)} · <span className={`pill support-${r.status}`}>{SUPPORT_STATUS_LABELS[r.status]}</span>
              </div>
            </li>
          ))}
        </ul>
      )}
      {mayAsk ? (
        <Link to={`/support?incident=${encodeURIComponent(props.incidentId)}`} className="button">
          Ask for help with this incident
        </Link>
      ) : null}
    </section>
  );
}
