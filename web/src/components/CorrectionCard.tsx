import type { ReactNode } from 'react';
import { PHASE_WORDS, type PublicCorrection } from '../corrections.ts';
import { useCountyNames } from '../county-names.ts';
import { formatWhen } from '../format.ts';
import { TlpBadge } from './TlpBadge.tsx';

/** One correction as the public reads it: the rumour, the reality, the law and where to check. */
export function CorrectionCard(props: { readonly correction: PublicCorrection; readonly now: Date; readonly children?: ReactNode }) {
  const c = props.correction;
  const withdrawn = c.status === 'withdrawn';
  // Named as people know them, never as codes (loaded only for a correction that names counties).
  const countyNames = useCountyNames(c.county_fips.length === 0 ? null : c.state_fips);
  return (
    <article className={withdrawn ? 'card rumour withdrawn' : 'card rumour'} data-testid="correction">
      <div className="rumour-head">
        <span className="type-tag">
          {c.state_name}
          {c.election_name === null ? '' : ` · ${c.election_name}`} · {PHASE_WORDS[c.phase]}
        </span>
        <span className="free-to-share small" title="TLP:CLEAR: anyone may read and pass this on.">
          Free to share <TlpBadge tlp="clear" />
        </span>
      </div>
      <h2>{c.title}</h2>
      {withdrawn ? (
        <p className="withdrawn-note" role="note">
          <strong>Withdrawn by its publisher.</strong> {c.withdrawn_reason ?? ''}
        </p>
      ) : null}
      <dl className="correction">
        <dt>Rumour</dt>
        <dd>{c.rumour}</dd>
        <dt>Reality</dt>
        <dd>{c.reality}</dd>
        {c.law_cited.length === 0 ? null : (
          <>
            <dt>The law</dt>
            <dd>{c.law_cited.join('; ')}</dd>
          </>
        )}
        <dt>Where to get the facts</dt>
        <dd>
          <ul className="official-links">
            {c.official_links.map((l) => (
              <li key={l.url}>
                <a href={l.url} rel="noopener noreferrer" target="_blank">
                  {l.title}
                </a>
              </li>
            ))}
          </ul>
        </dd>
      </dl>
      <p className="muted small">
        {c.publisher === null ? 'Published' : `Published by ${c.publisher}`} · {formatWhen(c.published, props.now)}
        {c.updated !== c.published ? ` · updated ${formatWhen(c.updated, props.now)}` : ''}
        {c.county_fips.length === 0 ? '' : ` · ${c.county_fips.length === 1 ? 'county' : 'counties'}: ${c.county_fips.map((f) => countyNames?.find((n) => n.fips === f)?.name ?? f).join(', ')}`}
      </p>
      {props.children}
    </article>
  );
}
