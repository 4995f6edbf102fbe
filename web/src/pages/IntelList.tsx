import { useEffect, useState, type FormEvent } from 'react';
import { query } from '../api.ts';
import { LiveIndicator } from '../components/LiveIndicator.tsx';
import { Loading, ProblemBox } from '../components/Status.tsx';
import { ScrollArea } from '../components/ScrollArea.tsx';
import { usePhone } from '../components/Section.tsx';
import { TlpBadge } from '../components/TlpBadge.tsx';
import { SEVERITIES } from '../../../src/domain/election.ts';
import { count, formatWhen, SEVERITY_LABELS, typeLabel } from '../format.ts';
import { PLACE_CHOICES } from '../states.ts';
import { SelectField } from '../components/Fields.tsx';
import { FILTER_TYPES, readObjectRow, type ObjectRow } from '../objects.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useRoute } from '../use-api.ts';
import { useLiveFeed } from '../use-live.ts';
import { SelectionBar } from '../components/SelectionBar.tsx';
import { useTitles } from '../use-titles.ts';
import { useOrgNames } from '../components/SharingPanel.tsx';
import { SavedSearches } from '../components/SavedSearches.tsx';
import { plainText } from '../markdown.ts';
import { apiQueryOf, FILTERS, RANKED_AMONG, searchText, SORTS, sortChoiceOf, type Filter } from '../list-query.ts';

const SEVERITY_CHOICES = SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABELS[s] }));

const PAGE_SIZE = 25;

const TLP_CHOICES: readonly (readonly [string, string])[] = [
  ['clear', 'TLP:CLEAR'],
  ['green', 'TLP:GREEN'],
  ['amber', 'TLP:AMBER'],
  ['amber+strict', 'TLP:AMBER+STRICT'],
  ['red', 'TLP:RED'],
];

export function IntelList() {
  const { params } = useLocation();
  const f = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) ?? ''])) as Record<Filter, string>;
  const apiQuery = apiQueryOf(f);
  const { q, type } = f;
  const phone = usePhone();
  const moreSet = (['tlp', 'owner', 'severity', 'state', 'label', 'since', 'until'] as const).filter((k) => f[k] !== '').length;
  const filtered = FILTERS.some((k) => k !== 'q' && k !== 'reference' && k !== 'sort' && f[k] !== '');
  const sortChoice = sortChoiceOf(f);
  const orgNames = useOrgNames();
  const owners = [...orgNames].sort((a, b) => a[1].localeCompare(b[1]));
  const library = f.reference === 'only';
  const cursor = params.get('cursor') ?? '';
  // Earlier page cursors live in the URL so Back/Forward and reloads keep the place.
  const trail = (params.get('trail') ?? '').split(',').filter((c) => c !== '');
  const [text, setText] = useState(q);
  useEffect(() => setText(q), [q]);
  const [labelText, setLabelText] = useState(f.label);
  useEffect(() => setLabelText(f.label), [f.label]);
  // Newest first: what was shared last is what an analyst looks for first.
  const [version, setVersion] = useState(0);
  // Relationships have no name of their own; they are listed on the objects they link, not here.
  const list = useRoute('/api/v1/objects', { query: query({ ...apiQuery, limit: PAGE_SIZE, cursor }), version });
  const live = useLiveFeed();
  // Ticked items stay ticked across pages and searches until downloaded or cleared.
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const toggle = (ids: readonly string[], on: boolean) =>
    setSelected((old) => {
      const next = new Set(old);
      for (const id of ids) if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const go = (next: Partial<Record<Filter, string>> & { cursor?: string; trail?: readonly string[] }) => {
    const t = next.trail ?? [];
    const kept = Object.fromEntries(FILTERS.map((k) => [k, next[k] ?? f[k]]));
    navigate(`/intel${query({ ...kept, cursor: next.cursor ?? '', trail: t.join(',') })}`);
  };
  const search = (e: FormEvent) => {
    e.preventDefault();
    go({ q: searchText(text), label: labelText.split(',').map((l) => l.trim()).filter((l) => l !== '').join(',') });
  };
  const now = new Date();
  const rows = list.state === 'ready' ? list.value.items.flatMap((i): ObjectRow[] => {
          const row = readObjectRow(i);
          return row === null ? [] : [row];
        }) : [];
  // Sightings and status reports have no name of their own: the server titles them, naming only what the reader may see.
  const titles = useTitles(rows.filter((r) => r.type === 'sighting' || r.type === 'x-rampart-status-report').map((r) => r.id));
  const pageIds = rows.map((r) => r.id);
  const allTicked = pageIds.length > 0 && pageIds.every((id) => selected.has(id));
  // The filters after Type: in line on a wide screen, folded under "More filters" on a phone.
  const moreFilters = (
    <>
      <label>
        TLP
        <select name="tlp" value={f.tlp} onChange={(e) => go({ tlp: e.target.value })}>
          <option value="">Any TLP</option>
          {TLP_CHOICES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Owner
        <select name="owner" value={f.owner} onChange={(e) => go({ owner: e.target.value })}>
          <option value="">Any organization</option>
          {owners.map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <SelectField label="Severity" name="severity" value={f.severity} onChange={(severity) => go({ severity })} empty="Any severity" options={SEVERITY_CHOICES} />
      <SelectField label="State" name="state" value={f.state} onChange={(state) => go({ state })} empty="Any state" options={PLACE_CHOICES} />
      <label>
        Label
        <input type="text" name="label" value={labelText} onChange={(e) => setLabelText(e.target.value)} placeholder="e.g. phishing" />
      </label>
      <label>
        Changed from
        <input type="date" name="since" value={f.since} max={f.until === '' ? undefined : f.until} onChange={(e) => go({ since: e.target.value })} />
      </label>
      <label>
        Changed until
        <input type="date" name="until" value={f.until} min={f.since === '' ? undefined : f.since} onChange={(e) => go({ until: e.target.value })} />
      </label>
    </>
  );
  return (
    <div>
      <div className="page-head">
        <h1>
          {library ? 'Reference library' : 'Intelligence'}{' '}
          <LiveIndicator
            feed={live}
            onShowNew={() => {
              // Newest first: the new items are on the first page.
              if (cursor === '' && trail.length === 0) setVersion((v) => v + 1);
              else go({});
            }}
          />
        </h1>
        <div className="actions compact">
          <Link to={library ? '/intel' : '/intel?reference=only'}>{library ? 'Back to intelligence shared with you' : 'Reference library (ATT&CK, DISARM, members)'}</Link>
          <Link to="/intel/upload">Upload a bundle</Link>
          <Link to="/new" className="button">
            Share something new
          </Link>
        </div>
      </div>
      <form className="toolbar card" onSubmit={search} role="search">
        <label className="grow">
          Search
          <span className="muted small"> words, or an address, domain, web address, email address or file hash</span>
          <input type="search" name="q" value={text} onChange={(e) => setText(e.target.value)} placeholder="e.g. phishing or 203.0.113.47" />
        </label>
        <label>
          Type
          <select name="type" value={type} onChange={(e) => go({ type: e.target.value })}>
            <option value="">All types</option>
            {FILTER_TYPES.map((t) => (
              <option key={t} value={t}>
                {typeLabel(t)}
              </option>
            ))}
          </select>
        </label>
        {phone ? (
          // On a phone the search box comes first and the less used filters fold away, open once one is set.
          <details className="more-filters" open={moreSet > 0}>
            <summary>More filters{moreSet > 0 ? ` (${moreSet} set)` : ''}</summary>
            <div className="more-filters-body">{moreFilters}</div>
          </details>
        ) : (
          moreFilters
        )}
        <label>
          Sort
          <select name="sort" value={sortChoice?.[0] ?? ''} onChange={(e) => go({ sort: e.target.value })}>
            {SORTS.filter(([key]) => key !== 'relevance' || q !== '').map(([key, label]) => (
              <option key={key} value={key}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Search</button>
        {filtered ? (
          <button type="button" onClick={() => navigate(`/intel${query({ q, reference: f.reference, sort: f.sort })}`)}>
            Clear filters
          </button>
        ) : null}
      </form>
      {list.state === 'ready' && list.value.total !== undefined ? (
        <p className="muted list-total" role="status">
          {list.value.total_capped === true ? `More than ${count(list.value.total)} items` : list.value.total === 1 ? '1 item' : `${count(list.value.total)} items`}
          {q === '' && !filtered ? '' : list.value.total === 1 ? ' matches' : ' match'}
          {sortChoice?.[0] === 'relevance' && list.value.total_capped === true ? `; best matches among the newest ${count(RANKED_AMONG)}` : ''}
        </p>
      ) : null}
      {f.type === '' && !library ? (
        <p className="muted small list-note">
          Election-day status reports are on <Link to="/elections">Election day</Link>, not in this list (or <Link to={`/intel${query({ q, type: 'x-rampart-status-report' })}`}>list them here</Link>).
        </p>
      ) : null}
      {library ? null : <SavedSearches current={apiQuery} />}
      <SelectionBar selected={selected} onClear={() => setSelected(new Set())} />
      {list.state === 'loading' ? <Loading what="intelligence" /> : null}
      {list.state === 'error' ? <ProblemBox problem={list.problem} /> : null}
      {list.state === 'ready' ? (
        rows.length === 0 ? (
          <p className="card muted">{q === '' && !filtered ? 'Nothing has been shared with you yet.' : 'Nothing matches. Try fewer words or fewer filters.'}</p>
        ) : (
          <ScrollArea label={library ? 'Reference library entries' : 'Intelligence items'}>
            <table className="card intel-table">
              <thead>
                <tr>
                  <th scope="col" className="pick-cell">
                    <input type="checkbox" aria-label="Choose every item on this page" checked={allTicked} onChange={(e) => toggle(pageIds, e.target.checked)} />
                  </th>
                  <th scope="col">TLP</th>
                  <th scope="col" className="type-cell">Type</th>
                  <th scope="col" className="name-cell">
                    Name
                  </th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={r.id} className={selected.has(r.id) ? 'picked' : undefined}>
                    <td className="pick-cell">
                      <input type="checkbox" aria-label={`Choose ${titles.get(r.id) ?? r.name ?? r.id}`} checked={selected.has(r.id)} onChange={(e) => toggle([r.id], e.target.checked)} />
                    </td>
                    <td>
                      {r.tlp === null ? (
                        <span className="muted" title="The item carries no TLP marking of its own (reference data, or a file uploaded without one): open it to see who it is shared with">
                          —
                        </span>
                      ) : (
                        <TlpBadge tlp={r.tlp} />
                      )}
                    </td>
                    <td className="type-cell">{typeLabel(r.type)}</td>
                    <td className="name-cell">
                      <Link to={`/intel/${encodeURIComponent(r.id)}`}>{titles.get(r.id) ?? r.name ?? r.id}</Link>
                      {r.description === null ? null : <div className="muted small clamp">{plainText(r.description)}</div>}
                    </td>
                    <td className="when">{formatWhen(r.modified, now)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollArea>
        )
      ) : null}
      <nav className="pager" aria-label="Pages">
        <button type="button" disabled={trail.length === 0 && cursor === ''} onClick={() => go({ cursor: trail[trail.length - 1] ?? '', trail: trail.slice(0, -1) })}>
          ← Previous
        </button>
        <span className="muted">Page {trail.length + (cursor === '' ? 1 : 2)}</span>
        <button
          type="button"
          disabled={list.state !== 'ready' || list.value.next_cursor === null}
          onClick={() => {
            if (list.state === 'ready' && list.value.next_cursor !== null) go({ cursor: list.value.next_cursor, trail: cursor === '' ? trail : [...trail, cursor] });
          }}
        >
          Next →
        </button>
      </nav>
    </div>
  );
}
