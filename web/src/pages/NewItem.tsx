import { useState, type FormEvent } from 'react';
import type { AudienceKey } from '../../../src/domain/audience.ts';
import { TLP_LEVELS, TLP_MARKING_IDS, type Tlp } from '../../../src/domain/tlp.ts';
import { parsePattern } from '../../../src/stix/pattern/parser.ts';
import { call, type ApiProblem } from '../api.ts';
import { ProblemBox } from '../components/Status.tsx';
import { TlpBadge } from '../components/TlpBadge.tsx';
import { valuePattern } from '../pattern-words.ts';
import { Link, navigate, useLocation } from '../router.tsx';
import { useSession, type Me } from '../session.tsx';
import { audienceAfterTlpChange, audienceChoices, defaultAudienceFor, isAllowed, TLP_MEANING, tlpReason } from '../sharing-rules.ts';

type Kind = 'indicator' | 'report' | 'note';

const KINDS: readonly { readonly kind: Kind; readonly label: string; readonly help: string }[] = [
  { kind: 'indicator', label: 'Indicator', help: 'Something others can look for in their logs: a web address, an email sender, an IP address.' },
  { kind: 'report', label: 'Report or advisory', help: 'A threat briefing, an advisory or a joint statement.' },
  { kind: 'note', label: 'Note', help: 'A short remark, on its own or about an item shared with you.' },
];

const REPORT_TYPES = [
  ['threat-report', 'Threat briefing'],
  ['advisory', 'Advisory'],
  ['joint-statement', 'Joint statement'],
] as const;

/** What is wrong with the pattern, in words, or null when it reads as a STIX pattern. */
export function patternProblem(pattern: string): string | null {
  if (pattern.trim() === '') return 'Enter what to look for: an address, domain, web address, email address or file hash, or a STIX pattern.';
  const parsed = parsePattern(pattern);
  if (parsed.ok) return null;
  const value = valuePattern(pattern);
  if (value !== null) return `That is ${value.what}, not yet a STIX pattern: use the pattern below.`;
  // The parser's own words ("expected '[' … found a float literal") only help someone already writing a pattern.
  if (!/^\s*[[(]/.test(pattern)) return "Not a pattern Rampart can read. A STIX pattern starts with '[', e.g. [domain-name:value = 'evil.example']; or type just the address, domain, web address, email address or file hash.";
  return `Not a pattern Rampart can read (at character ${parsed.error.column}): ${parsed.error.message}`;
}

export function NewItem() {
  const { me } = useSession();
  if (me === null) return null;
  return <NewItemForm me={me} />;
}

function NewItemForm({ me }: { readonly me: Me }) {
  const params = useLocation().params;
  const about = params.get('about');
  const asked = params.get('type');
  const kind: Kind = asked === 'report' || asked === 'note' ? asked : about !== null ? 'note' : 'indicator';
  const [name, setName] = useState('');
  const [text, setText] = useState('');
  // Empty, not an example: an untouched example would be shared as a real indicator.
  const [pattern, setPattern] = useState('');
  const [reportType, setReportType] = useState<string>('threat-report');
  const [tlp, setTlp] = useState<Tlp>('amber');
  const [audience, setAudience] = useState<AudienceKey[]>(() => defaultAudienceFor('amber', me));
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const checked = kind === 'indicator' ? patternProblem(pattern) : null;
  const suggested = checked === null ? null : valuePattern(pattern);
  const missing = kind === 'note' ? (text.trim() === '' ? 'Write the note.' : null) : name.trim() === '' ? 'Give it a title.' : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (checked !== null || missing !== null || audience.length === 0) return;
    setBusy(true);
    setProblem(null);
    const now = new Date().toISOString();
    const id = `${kind}--${crypto.randomUUID()}`;
    const common = { type: kind, spec_version: '2.1', id, created: now, modified: now, created_by_ref: me.orgId, object_marking_refs: [TLP_MARKING_IDS[tlp]] };
    const object: Record<string, unknown> =
      kind === 'indicator'
        ? { ...common, name: name.trim(), ...(text.trim() === '' ? {} : { description: text.trim() }), pattern, pattern_type: 'stix', valid_from: now, indicator_types: ['malicious-activity'] }
        : kind === 'report'
          ? { ...common, name: name.trim(), ...(text.trim() === '' ? {} : { description: text.trim() }), report_types: [reportType], published: now, object_refs: [about ?? me.orgId] }
          : { ...common, content: text.trim(), ...(name.trim() === '' ? {} : { abstract: name.trim() }), object_refs: [about ?? me.orgId] };
    const res = await call('post', '/api/v1/objects', { body: { object, tlp, audience } });
    setBusy(false);
    if (!res.ok) return setProblem(res.error);
    navigate(`/intel/${encodeURIComponent(id)}?reported=1`);
  };
  const toggle = (key: AudienceKey) => setAudience(audience.includes(key) ? audience.filter((k) => k !== key) : [...audience, key]);

  return (
    <form className="report" onSubmit={(e) => void submit(e)} noValidate>
      <div className="page-head">
        <div>
          <h1>Share something new</h1>
          <p className="muted">
            To report an incident or rumour, use <Link to="/report">Report</Link>.
          </p>
        </div>
      </div>
      <nav className="section-nav" aria-label="Kind of item">
        {KINDS.map((k) => (
          <Link key={k.kind} to={`/new?type=${k.kind}${about === null ? '' : `&about=${encodeURIComponent(about)}`}`} className={k.kind === kind ? 'nav-pill active' : 'nav-pill'}>
            {k.label}
          </Link>
        ))}
      </nav>
      {problem === null ? null : <ProblemBox problem={problem} />}
      <section className="card step">
        <p className="muted">{KINDS.find((k) => k.kind === kind)?.help}</p>
        {about === null ? null : <p className="small">About: <span className="mono">{about}</span></p>}
        <label>
          {kind === 'note' ? 'Short summary (optional)' : 'Title'}
          <input name="title" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        {kind === 'indicator' ? (
          <label className={checked === null ? '' : 'invalid'}>
            What to look for: an address, domain, web address, email address or file hash, or a STIX pattern
            <input
              name="pattern"
              className="mono"
              value={pattern}
              onChange={(e) => setPattern(e.target.value)}
              placeholder="e.g. 203.0.113.47 or evil.example"
              aria-invalid={checked !== null}
              aria-describedby="pattern-check"
            />
            <span id="pattern-check" className={checked === null ? 'muted small' : 'field-error'} role="status" data-testid="pattern-check">
              {checked ?? 'The pattern reads correctly.'}
            </span>
          </label>
        ) : null}
        {suggested === null ? null : (
          <p className="pattern-suggestion">
            <button type="button" onClick={() => setPattern(suggested.pattern)}>
              Use <span className="mono">{suggested.pattern}</span>
            </button>
          </p>
        )}
        {kind === 'report' ? (
          <label>
            Kind of report
            <select value={reportType} onChange={(e) => setReportType(e.target.value)}>
              {REPORT_TYPES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label>
          {kind === 'note' ? 'Note' : 'Description'}
          <textarea name="text" rows={5} value={text} onChange={(e) => setText(e.target.value)} />
        </label>
      </section>
      <section className="card step">
        <fieldset>
          <legend>How sensitive is it? (Traffic Light Protocol)</legend>
          <div className="tlp-picker">
            {TLP_LEVELS.map((level) => (
              <label key={level} className={tlp === level ? 'tlp-option selected' : 'tlp-option'}>
                <input
                  type="radio"
                  name="tlp"
                  value={level}
                  checked={tlp === level}
                  onChange={() => {
                    setTlp(level);
                    setAudience(audienceAfterTlpChange(level, audience, me));
                  }}
                />
                <TlpBadge tlp={level} />
                <span className="small">{TLP_MEANING[level]}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <fieldset>
          <legend>Share with</legend>
          <p className="reason small">{tlpReason(tlp)}</p>
          <div className="choices">
            {audienceChoices(me).map((c) => {
              const allowed = isAllowed(tlp, c.kind);
              return (
                <label key={c.key} className={allowed ? 'choice' : 'choice disabled'}>
                  <input type="checkbox" name="audience" disabled={!allowed} checked={allowed && audience.includes(c.key)} onChange={() => toggle(c.key)} />
                  {c.label}
                </label>
              );
            })}
          </div>
        </fieldset>
      </section>
      <div className="actions">
        <button type="submit" className="primary big" disabled={busy || checked !== null || missing !== null || audience.length === 0}>
          {busy ? 'Sharing…' : 'Share'}
        </button>
        <span className="muted small">{missing ?? (checked !== null ? 'Fix “What to look for” above.' : audience.length === 0 ? 'Choose at least one place to share it with.' : 'Only the places ticked above will see it. You stay its owner.')}</span>
      </div>
    </form>
  );
}
