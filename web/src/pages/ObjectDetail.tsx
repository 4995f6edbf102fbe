import { useState } from 'react';
import { Loading, ProblemBox } from '../components/Status.tsx';
import { TlpBadge } from '../components/TlpBadge.tsx';
import { SharingPanel, SightingsSummary } from '../components/SharingPanel.tsx';
import { CaseCard } from '../components/CaseCard.tsx';
import { IncidentSupport } from '../components/IncidentSupport.tsx';
import { AnswerLinkList, useAnswerLinks } from '../components/AnswerLinks.tsx';
import { ConnectionsCard } from '../components/ConnectionsCard.tsx';
import { GraphCard } from '../components/GraphCard.tsx';
import { OwnerActions } from '../components/OwnerActions.tsx';
import { StatusIncidents } from '../components/StatusIncidents.tsx';
import { formatWhen, typeLabel } from '../format.ts';
import { displayName, isRecord, readSharing } from '../objects.ts';
import { countyFipsOf, electionFacts } from '../election-facts.ts';
import { isRumourIncident, writeCorrectionWords } from '../corrections.ts';
import { useCountyNames } from '../county-names.ts';
import { Link, useLocation } from '../router.tsx';
import { useSession } from '../session.tsx';
import { useRoute } from '../use-api.ts';
import { useTitles } from '../use-titles.ts';
import { Markdown } from '../components/Markdown.tsx';

/** A version as the API lists it: `{ modified, added }`, or a whole object when the API includes it. */
interface VersionRow {
  readonly modified: string | null;
  readonly added: string | null;
  readonly object: Record<string, unknown> | null;
}

export function readVersion(v: unknown): VersionRow | null {
  if (!isRecord(v)) return null;
  const text = (x: unknown): string | null => (typeof x === 'string' ? x : null);
  const object = isRecord(v['object']) ? v['object'] : typeof v['type'] === 'string' ? v : null;
  return { modified: text(v['modified']) ?? text(object?.['modified']), added: text(v['added']), object };
}

export function ObjectDetail(props: { readonly id: string }) {
  const { me } = useSession();
  const reported = useLocation().params.get('reported') === '1';
  const [version, setVersion] = useState(0);
  const res = useRoute('/api/v1/objects/{id}', { params: { id: props.id }, version });
  const [selected, setSelected] = useState<number | null>(null);
  // A sighting has no name, a status report none that says whose: their titles name the indicator and the
  // organization, or the jurisdiction (only what the reader may see).
  const titles = useTitles(props.id.startsWith('sighting--') || props.id.startsWith('x-rampart-status-report--') ? [props.id] : []);
  // County names load (a large file) only for an item that names a county.
  const countyFips = countyFipsOf(res.state === 'ready' && isRecord(res.value.object) ? res.value.object : null);
  const counties = useCountyNames(countyFips === null ? null : countyFips.slice(0, 2));
  const changed = () => {
    setSelected(null);
    setVersion((v) => v + 1);
  };
  if (res.state === 'loading' && version === 0) return <Loading what="this item" />;
  if (res.state === 'loading') return <Loading what="the new version" />;
  if (res.state === 'error') {
    return (
      <div>
        <ProblemBox problem={res.problem} />
        <Link to="/intel">← Back to intelligence</Link>
      </div>
    );
  }
  const latest: Record<string, unknown> = isRecord(res.value.object) ? res.value.object : {};
  const versions = (res.value.versions ?? []).flatMap((v): VersionRow[] => {
    const row = readVersion(v);
    return row === null ? [] : [row];
  });
  versions.sort((a, b) => (b.modified ?? '').localeCompare(a.modified ?? ''));
  const shown = (selected === null ? null : versions[selected]?.object) ?? latest;
  const sharing = readSharing(res.value.sharing);
  const facts = electionFacts(shown, (fips) => counties?.find((c) => c.fips === fips)?.name);
  const now = new Date();
  const description = typeof shown['description'] === 'string' ? shown['description'] : null;
  return (
    <div className="detail">
      <p className="crumbs">
        <Link to="/intel">← Intelligence</Link>
      </p>
      <div className="page-head">
        <div>
          <div className="type-tag">{typeLabel(typeof shown['type'] === 'string' ? shown['type'] : '')}</div>
          <h1>{titles.get(props.id) ?? displayName(shown) ?? props.id}</h1>
          {/* The STIX id is for analysts and tools (the API, the CLI, TAXII): folded, it does not stand under every title. */}
          <details className="item-id muted small">
            <summary>Its id, for the API and other tools</summary>
            <code className="mono">{props.id}</code>
          </details>
        </div>
        {sharing === null ? null : <TlpBadge tlp={sharing.tlp} large />}
      </div>
      {reported ? (
        <div className="success" role="status">
          Your report was sent. Everyone it is shared with can see it now.
        </div>
      ) : null}
      {shown['revoked'] === true ? <div className="notice">Its owner has revoked this item: it is no longer valid.</div> : null}
      <div className="grid-2 wide-left">
        <div>
        <section className="card">
          {description === null ? null : (
            <div className="description">
              <Markdown text={description} references={Array.isArray(shown['external_references']) ? (shown['external_references'] as unknown[]).filter(isRecord) : []} />
            </div>
          )}
          {facts.length === 0 ? null : (
            <dl className="facts">
              {facts.map(([k, v]) => (
                <div key={k}>
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </div>
              ))}
            </dl>
          )}
          <details className="raw">
            <summary>Raw STIX JSON</summary>
            <pre>{JSON.stringify(shown, null, 2)}</pre>
          </details>
        </section>
        {shown['type'] === 'x-rampart-status-report' ? <StatusIncidents object={shown} /> : null}
        {shown['type'] === 'incident' && sharing !== null && me !== null ? <CaseCard incidentId={props.id} object={latest} sharing={sharing} me={me} version={version} onChanged={changed} /> : null}
        {shown['type'] === 'incident' && me !== null ? <IncidentSupport incidentId={props.id} orgId={me.orgId} /> : null}
        {me !== null && shown['revoked'] !== true && isRumourIncident(latest) ? (
          <AnswerRumour id={props.id} version={version} />
        ) : null}
        <ConnectionsCard key={`connections-${version}`} objectId={props.id} />
        <GraphCard key={`graph-${version}`} objectId={props.id} />
        {shown['type'] === 'incident' || shown['type'] === 'relationship' || shown['revoked'] === true ? null : (
          <p className="small">
            <Link to={`/new?type=note&about=${encodeURIComponent(props.id)}`}>Write a note about this item</Link>
          </p>
        )}
        </div>
        <aside>
          {sharing === null ? (
            <section className="card">
              <h2>Sharing</h2>
              <p className="muted">Sharing details are not available.</p>
            </section>
          ) : (
            <SharingPanel key={`${sharing.tlp}-${sharing.audience.join(',')}`} objectId={props.id} sharing={sharing} me={me} />
          )}
          {me !== null && sharing?.owner === me.orgId ? <OwnerActions key={`${version}`} object={latest} onChanged={changed} /> : null}
          {props.id.startsWith('indicator--') ? <SightingsSummary objectId={props.id} /> : null}
          <section className="card">
            <h2>Versions ({versions.length})</h2>
            <ol className="versions">
              {versions.map((v, i) => (
                <li key={`${v.modified ?? ''}-${i}`}>
                  {v.object === null ? (
                    <span className={i === 0 ? 'current' : ''}>{formatWhen(v.modified, now)}</span>
                  ) : (
                    <button type="button" className={(selected ?? 0) === i ? 'link current' : 'link'} onClick={() => setSelected(i)}>
                      {formatWhen(v.modified, now)}
                    </button>
                  )}
                  {i === 0 ? <span className="pill">latest</span> : null}
                  {v.object?.['revoked'] === true ? <span className="pill">revoked</span> : null}
                  {v.added === null ? null : <div className="muted small">shared here {formatWhen(v.added, now)}</div>}
                </li>
              ))}
            </ol>
          </section>
        </aside>
      </div>
    </div>
  );
}

/** On a false-rumour incident: the public corrections that answer it, and the way to write one (or another). */
function AnswerRumour(props: { readonly id: string; readonly version: number }) {
  const links = useAnswerLinks(props.id, 'in', props.version);
  return (
    <section className="card answer-rumour">
      <h2>Answer it publicly</h2>
      <p>A false rumour is best answered where voters look: a correction on the public rumour-control page says what is true and where to check.</p>
      <AnswerLinkList direction="in" links={links} />
      <Link to={`/rumour-control/write?from=${encodeURIComponent(props.id)}`} className="button">
        {writeCorrectionWords(links.length)}
      </Link>
    </section>
  );
}
