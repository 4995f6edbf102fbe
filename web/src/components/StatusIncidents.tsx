import { functionLabel } from '../../../src/domain/election.ts';
import { statusIncidentLinks } from '../election-facts.ts';
import { Link } from '../router.tsx';
import { useIncidentNames } from './IncidentPicker.tsx';

/** The incidents a status report links, per function; one the reader may not see says so, without its name. */
export function StatusIncidents(props: { readonly object: Record<string, unknown> }) {
  const links = statusIncidentLinks(props.object);
  const [names] = useIncidentNames(links.flatMap((l) => l.ids));
  if (links.length === 0) return null;
  return (
    <section className="card status-incidents">
      <h2>Linked incidents</h2>
      <ul>
        {links.flatMap((l) =>
          l.ids.map((id) => (
            <li key={`${l.fn}-${id}`}>
              <span className="muted small">{functionLabel(l.fn)}: </span>
              <Link to={`/intel/${encodeURIComponent(id)}`}>{names.get(id) ?? 'Incident'}</Link>
            </li>
          )),
        )}
      </ul>
    </section>
  );
}
