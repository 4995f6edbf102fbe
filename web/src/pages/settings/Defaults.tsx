import { useState } from 'react';
import { audienceKind } from '../../../../src/domain/audience.ts';
import { tlpLabel, type Tlp } from '../../../../src/domain/tlp.ts';
import { call, type ApiProblem } from '../../api.ts';
import { Loading, ProblemBox } from '../../components/Status.tsx';
import { TlpBadge } from '../../components/TlpBadge.tsx';
import type { Me } from '../../session.tsx';
import { audienceChoices, isAllowed, tlpReason } from '../../sharing-rules.ts';
import { audienceSentence } from '../../sharing-words.ts';
import { useRouteReload } from './reload.ts';

/** The audience a report gets by default at each TLP, for my organization. */
export function Defaults(props: { readonly me: Me; readonly orgNames: ReadonlyMap<string, string> }) {
  const [defaults, reload] = useRouteReload('/api/v1/org/sharing-defaults');
  const [editing, setEditing] = useState<Tlp | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const save = async (tlp: Tlp, audience: string[] | null) => {
    setProblem(null);
    setSaved(null);
    const res = await call('put', '/api/v1/org/sharing-defaults', { body: { defaults: { [tlp]: audience } } });
    if (!res.ok) return setProblem(res.error);
    setSaved(audience === null ? `${tlpLabel(tlp)} is back to Rampart's standard default.` : `${tlpLabel(tlp)} default saved.`);
    setEditing(null);
    reload();
  };
  const choices = audienceChoices(props.me).filter((c) => c.kind !== 'user');
  return (
    <section className="card" id="sharing-defaults">
      <h2>Sharing defaults</h2>
      <p className="muted small">What the report form pre-selects at each TLP. People can still change it per report.</p>
      {problem === null ? null : <ProblemBox problem={problem} />}
      {saved === null ? null : (
        <div className="success" role="status">
          {saved}
        </div>
      )}
      {defaults.state === 'loading' ? <Loading what="defaults" /> : null}
      {defaults.state === 'error' ? <ProblemBox problem={defaults.problem} /> : null}
      {defaults.state === 'ready' ? (
        <dl className="facts">
          {defaults.value.defaults.map((d) => (
            <div key={d.tlp}>
              <dt>
                <TlpBadge tlp={d.tlp} />
              </dt>
              <dd>
                {d.audience === null ? 'No default: name people each time.' : `Shared with ${audienceSentence(d.audience, props.me, props.orgNames)}`}
                <span className="muted small">{d.source === 'built-in' ? " Rampart's standard." : ' Set by your organization.'}</span>
                {d.audience === null ? null : editing === d.tlp ? (
                  <div className="defaults-edit">
                    <p className="reason">{tlpReason(d.tlp)}</p>
                    <div className="choices">
                      {choices.map((c) => (
                        <label key={c.key} className={isAllowed(d.tlp, audienceKind(c.key)) ? 'choice' : 'choice disabled'}>
                          <input
                            type="checkbox"
                            checked={picked.includes(c.key)}
                            disabled={!isAllowed(d.tlp, c.kind)}
                            onChange={(e) => setPicked(e.target.checked ? [...picked, c.key] : picked.filter((k) => k !== c.key))}
                          />
                          {c.label}
                        </label>
                      ))}
                    </div>
                    <div className="actions compact">
                      <button type="button" className="primary" onClick={() => void save(d.tlp, picked)}>
                        {`Save ${tlpLabel(d.tlp)} default`}
                      </button>
                      <button type="button" onClick={() => void save(d.tlp, null)}>
                        Use Rampart&apos;s standard
                      </button>
                      <button type="button" onClick={() => setEditing(null)}>
                        Cancel
                      </button>
                    </div>
                  </div>
                ) : (
                  <div>
                    <button type="button" className="link" onClick={() => {
                      setEditing(d.tlp);
                      setPicked([...d.audience ?? []]);
                    }}>
                      {`Change ${tlpLabel(d.tlp)} default`}
                    </button>
                  </div>
                )}
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
    </section>
  );
}
