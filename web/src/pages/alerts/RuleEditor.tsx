import { useState, type FormEvent } from 'react';
import { ELECTION_FUNCTION_TAXONOMY } from '../../../../src/domain/election.ts';
import { call, type ApiProblem, type ApiResult } from '../../api.ts';
import { LoadedTable } from '../../components/DataTable.tsx';
import { ProblemBox } from '../../components/Status.tsx';
import { PLACES } from '../../states.ts';
import { typeLabel } from '../../format.ts';
import { displayName, isRecord } from '../../objects.ts';
import { useMembersFirstSearch } from '../../members-first.ts';
import { mapLoadable, useRoute } from '../../use-api.ts';
import { useRouteReload } from '../settings/reload.ts';
import { ASSET_TYPES, ASSET_WORDS, AUDIENCE_WORDS, describeCriteria, EMAIL_WORDS, WATCHED_LEVELS, WATCHED_TYPES, type Criteria, type Rule, type Severity, type WatchedLevel } from './words.ts';

/**
 * Watch rules of one scope: mine (/api/v1/me/watch-rules, which lists my organization's too) or my
 * organization's (org-admins). Standard rules are shown and cannot be edited here.
 */
/** A set of checkboxes for one list criterion: none ticked means the criterion is left out. */
function Checks<V extends string>(props: { readonly legend: string; readonly options: readonly { readonly value: V; readonly label: string }[]; readonly chosen: readonly V[]; readonly onChange: (next: readonly V[]) => void; readonly className?: string }) {
  return (
    <fieldset className={props.className}>
      <legend>{props.legend}</legend>
      {props.options.map((o) => (
        <label key={o.value} className="choice">
          <input type="checkbox" checked={props.chosen.includes(o.value)} onChange={(e) => props.onChange(e.target.checked ? [...props.chosen, o.value] : props.chosen.filter((x) => x !== o.value))} /> {o.label}
        </label>
      ))}
    </fieldset>
  );
}

const TLP_CHOICES: readonly { readonly value: NonNullable<Criteria['tlp']>[number]; readonly label: string }[] = [
  { value: 'clear', label: 'TLP:CLEAR (public)' },
  { value: 'green', label: 'TLP:GREEN (members)' },
  { value: 'amber', label: 'TLP:AMBER' },
  { value: 'amber+strict', label: 'TLP:AMBER+STRICT' },
  { value: 'red', label: 'TLP:RED (named people)' },
];
const NAMED_TYPES = 'attack-pattern,threat-actor,intrusion-set,campaign';
const SEVERITY_CHOICES: readonly Severity[] = ['moderate', 'high', 'critical'];
const EMAIL_CHOICES: readonly Rule['email'][] = ['immediate', 'digest', 'none'];

interface Named {
  readonly id: string;
  readonly label: string;
}

/** Techniques and threat actors a rule must name, found by searching what is shared with you (the reference library too). */
function NamedPicker(props: { readonly chosen: readonly Named[]; readonly onChange: (next: readonly Named[]) => void }) {
  const [text, setText] = useState('');
  const [searched, setSearched] = useState<string | null>(null);
  const res = useMembersFirstSearch(searched, NAMED_TYPES);
  const found = res.state === 'ready' && searched !== null ? res.value.flatMap((i) => (isRecord(i) && typeof i['id'] === 'string' ? [i] : [])) : [];
  const search = () => setSearched(text.trim() === '' ? null : text.trim());
  return (
    <fieldset className="named-picker">
      <legend>Only if it names one of these techniques or threat actors</legend>
      {props.chosen.length === 0 ? <p className="muted small">None chosen: anything.</p> : null}
      <ul className="plain chosen-list">
        {props.chosen.map((n) => (
          <li key={n.id}>
            {n.label}{' '}
            <button type="button" onClick={() => props.onChange(props.chosen.filter((x) => x.id !== n.id))} aria-label={`Do not require ${n.label}`}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <div className="inline-form">
        <label>
          Find a technique or threat actor
          <input
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                search();
              }
            }}
            placeholder="e.g. phishing, a group’s name"
          />
        </label>
        <button type="button" onClick={search} disabled={text.trim() === ''}>
          Find
        </button>
      </div>
      {searched !== null && res.state === 'ready' && found.length === 0 ? <p className="muted small">Nothing shared with you matches “{searched}”.</p> : null}
      <ul className="plain link-results">
        {found.map((o) => {
          const id = String(o['id']);
          const label = `${typeLabel(String(o['type']))}: ${displayName(o) ?? id}`;
          return (
            <li key={id}>
              {label}{' '}
              <button type="button" disabled={props.chosen.some((n) => n.id === id)} onClick={() => props.onChange([...props.chosen, { id, label }])} aria-label={`Require ${label}`}>
                Add
              </button>
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

/**
 * Watch rules of one scope: mine (/api/v1/me/watch-rules, which lists my organization's too) or my
 * organization's (org-admins). Standard rules are shown and cannot be edited here. The form covers
 * every criterion the API takes, each in plain words; a criterion left empty is left out of the rule.
 */
export function RuleEditor(props: { readonly scope: 'person' | 'organization'; readonly myState: string | null }) {
  const person = props.scope === 'person';
  const [rules, reload] = useRouteReload(person ? '/api/v1/me/watch-rules' : '/api/v1/org/watch-rules');
  const groups = useRoute('/api/v1/groups');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [adding, setAdding] = useState(false);
  const formId = `add-rule-${props.scope}`;
  const [name, setName] = useState('');
  const [types, setTypes] = useState<readonly string[]>([]);
  const [tlp, setTlp] = useState<readonly NonNullable<Criteria['tlp']>[number][]>([]);
  const [audience, setAudience] = useState<readonly string[]>([]);
  const [functions, setFunctions] = useState<readonly NonNullable<Criteria['functions']>[number][]>([]);
  const [assets, setAssets] = useState<readonly NonNullable<Criteria['asset_types']>[number][]>([]);
  const [states, setStates] = useState<readonly string[]>([]);
  const [levels, setLevels] = useState<readonly WatchedLevel[]>([]);
  const [named, setNamed] = useState<readonly Named[]>([]);
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [keywords, setKeywords] = useState('');
  const [watchList, setWatchList] = useState(false);
  const [email, setEmail] = useState<Rule['email']>('digest');

  const act = async (send: () => Promise<ApiResult<unknown>>) => {
    setProblem(null);
    const res = await send();
    if (!res.ok) setProblem(res.error);
    reload();
    return res.ok;
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const words = keywords.split(',').map((k) => k.trim()).filter((k) => k !== '');
    const some = <K extends string, V>(key: K, list: readonly V[]) => (list.length === 0 ? {} : ({ [key]: [...list] } as Record<K, V[]>));
    const criteria: Criteria = {
      ...some('types', types),
      ...some('tlp', tlp),
      ...some('audience', audience),
      ...some('functions', functions),
      ...some('asset_types', assets),
      ...(severity === '' ? {} : { min_severity: severity }),
      ...some('states', states),
      ...some('status_levels', levels),
      ...some('refs', named.map((n) => n.id)),
      ...some('keywords', words),
      ...(watchList ? { watch_list: true } : {}),
    };
    const body = { name: name.trim() === '' ? describeCriteria(criteria) : name.trim(), criteria, email };
    if (await act(() => (person ? call('post', '/api/v1/me/watch-rules', { body }) : call('post', '/api/v1/org/watch-rules', { body })))) {
      setName('');
      setTypes([]);
      setTlp([]);
      setAudience([]);
      setFunctions([]);
      setAssets([]);
      setStates([]);
      setLevels([]);
      setNamed([]);
      setSeverity('');
      setKeywords('');
      setWatchList(false);
    }
  };
  const audienceChoices = [
    ...Object.entries(AUDIENCE_WORDS)
      .filter(([key]) => (key !== 'my-state' || props.myState !== null) && (key !== 'me' || props.scope === 'person'))
      .map(([value, label]) => ({ value, label: label.replace(/^./, (c) => c.toUpperCase()) })),
    ...(groups.state === 'ready' ? groups.value.groups.filter((g) => g.status === 'accepted').map((g) => ({ value: `group:${g.id}`, label: `Sharing group “${g.name}”` })) : []),
  ];
  const shown = mapLoadable(rules, (v) => v.rules);
  const mine = (r: Rule) => !r.built_in && r.scope === props.scope;
  return (
    <>
      {problem === null ? null : <ProblemBox problem={problem} />}
      <LoadedTable
        what="rules"
        rows={shown}
        className="wide-first rules-table"
        rowKey={(r) => r.id}
        empty={{ text: 'No rules yet.' }}
        columns={[
          {
            header: 'Tell about',
            cell: (r) => (
              <>
                <strong>{r.name}</strong>
                <div className="muted small">
                  {describeCriteria(r.criteria)}
                  {r.built_in ? ' · Rampart’s standard rule' : r.scope === 'organization' && props.scope === 'person' ? ' · your organization’s rule' : ''}
                </div>
              </>
            ),
          },
          { header: 'Email', cell: (r) => EMAIL_WORDS[r.email], className: 'small email-cell' },
          {
            header: 'Actions',
            cell: (r) =>
              mine(r) ? (
                <span className="row-actions">
                  <button type="button" onClick={() => void act(() => { const change = { params: { id: r.id }, body: { enabled: !r.enabled } }; return person ? call('patch', '/api/v1/me/watch-rules/{id}', change) : call('patch', '/api/v1/org/watch-rules/{id}', change); })} aria-label={`${r.enabled ? 'Pause' : 'Resume'} ${r.name}`}>
                    {r.enabled ? 'Pause' : 'Resume'}
                  </button>{' '}
                  <button type="button" onClick={() => void act(() => (person ? call('delete', '/api/v1/me/watch-rules/{id}', { params: { id: r.id } }) : call('delete', '/api/v1/org/watch-rules/{id}', { params: { id: r.id } })))} aria-label={`Remove ${r.name}`}>
                    Remove
                  </button>
                </span>
              ) : (
                <span className="muted small">{r.enabled ? 'On' : 'Paused'}</span>
              ),
          },
        ]}
      />
      {/* Folded until asked for: open, the form is a phone's several screens long, and there are two on the page. */}
      <button type="button" className="add-rule-toggle" aria-expanded={adding} aria-controls={adding ? formId : undefined} onClick={() => setAdding((a) => !a)}>
        {adding ? 'Close the form' : props.scope === 'person' ? 'Add a rule for me' : 'Add a rule for everyone in my organization'}
      </button>
      {adding ? (
        <form className="rule-form" id={formId} onSubmit={(e) => void add(e)}>
          <h3>{props.scope === 'person' ? 'Add a rule for me' : 'Add a rule for everyone in my organization'}</h3>
          <p className="muted small">Everything you choose must hold; within one question, any ticked answer will do. Leave a question empty to accept anything.</p>
          <Checks legend="What to tell about" options={WATCHED_TYPES.map((t) => ({ value: t.type, label: t.label }))} chosen={types} onChange={setTypes} />
          <Checks legend="Marked" options={TLP_CHOICES} chosen={tlp} onChange={setTlp} />
          <Checks legend="Shared with" options={audienceChoices} chosen={audience} onChange={setAudience} />
          <Checks legend="About these election functions" options={ELECTION_FUNCTION_TAXONOMY.map((f) => ({ value: f.id, label: f.label }))} chosen={functions} onChange={setFunctions} className="columns" />
          <Checks legend="Concerning these kinds of election systems" options={ASSET_TYPES.map((a) => ({ value: a, label: ASSET_WORDS[a] }))} chosen={assets} onChange={setAssets} className="columns" />
          <Checks legend="Election-day status reports where a function is" options={WATCHED_LEVELS.map((l) => ({ value: l.level, label: l.label }))} chosen={levels} onChange={setLevels} />
          <div className="form-row">
            <label>
              Incidents at least this severe
              <select value={severity} onChange={(e) => setSeverity(SEVERITY_CHOICES.find((s) => s === e.target.value) ?? '')}>
                <option value="">Any severity</option>
                <option value="moderate">Moderate or worse</option>
                <option value="high">High or critical</option>
                <option value="critical">Critical only</option>
              </select>
            </label>
            <label>
              Only in these states
              <select
                value=""
                onChange={(e) => {
                  const fips = e.target.value;
                  if (fips !== '' && !states.includes(fips)) setStates([...states, fips]);
                }}
              >
                <option value="">{states.length === 0 ? 'Any state' : 'Add another state…'}</option>
                {props.myState === null ? null : <option value={props.myState}>My state</option>}
                {PLACES.map((p) => (
                  <option key={p.fips} value={p.fips}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {states.length === 0 ? null : (
            <ul className="plain chosen-list" aria-label="Chosen states">
              {states.map((fips) => {
                const place = PLACES.find((p) => p.fips === fips)?.name ?? fips;
                return (
                  <li key={fips}>
                    {place}{' '}
                    <button type="button" onClick={() => setStates(states.filter((x) => x !== fips))} aria-label={`Any state but not only ${place}`}>
                      Remove
                    </button>
                  </li>
                );
              })}
            </ul>
          )}
          <NamedPicker chosen={named} onChange={setNamed} />
          <label>
            Only if it mentions (words or phrases, separated by commas)
            <input value={keywords} onChange={(e) => setKeywords(e.target.value)} placeholder="pollbook, results website" />
          </label>
          <label className="choice">
            <input type="checkbox" checked={watchList} onChange={(e) => setWatchList(e.target.checked)} /> Only what names one of my organization’s watched domains, addresses or web addresses
          </label>
          <div className="form-row">
            <label>
              Email
              <select value={email} onChange={(e) => setEmail(EMAIL_CHOICES.find((m) => m === e.target.value) ?? 'digest')}>
                {EMAIL_CHOICES.map((m) => (
                  <option key={m} value={m}>
                    {EMAIL_WORDS[m]}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Name (optional)
              <input value={name} onChange={(e) => setName(e.target.value)} maxLength={200} placeholder="Incidents near us" />
            </label>
          </div>
          <button type="submit" className="primary">
            Add rule
          </button>
        </form>
      ) : null}
    </>
  );
}
