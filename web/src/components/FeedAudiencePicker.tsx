import { useState, type ReactNode } from 'react';
import type { ApiResponse } from '../api.ts';
import { feedPlaceChoices } from '../feed-words.ts';
import type { Me } from '../session.tsx';
import { audienceInWords } from '../sharing-words.ts';
import { PLACES } from '../states.ts';

type Org = ApiResponse<'/api/v1/orgs'>[number];

const KIND_GROUPS: readonly { readonly kind: Org['kind']; readonly label: string }[] = [
  { kind: 'federal', label: 'Federal agencies' },
  { kind: 'state', label: 'State election offices' },
  { kind: 'territory', label: 'Territories' },
  { kind: 'isac', label: 'ISACs' },
  { kind: 'private', label: 'Private-sector partners' },
  { kind: 'local', label: 'Local election offices' },
];

/**
 * Whom a feed's objects go to (push) or may reach here (pull), chosen by name: the usual places as boxes to tick,
 * any organization or state added from a list. The API's audience keys never show.
 */
export function FeedAudiencePicker(props: {
  readonly direction: 'pull' | 'push';
  readonly me: Me;
  readonly orgs: readonly Org[];
  readonly value: readonly string[];
  readonly onChange: (keys: string[]) => void;
}) {
  const { direction, me, value } = props;
  const names = new Map(props.orgs.map((o) => [o.id, o.name] as const));
  const choices = feedPlaceChoices(direction, me);
  const added = value.filter((k) => !choices.some((c) => c.key === k));
  const toggle = (key: string, on: boolean) => props.onChange(on ? [...value, key] : value.filter((k) => k !== key));
  const add = (key: string) => {
    if (!value.includes(key)) props.onChange([...value, key]);
  };
  // A push never sends under the organization's own key: it is not offered, as the server would refuse it.
  const orgChoices = props.orgs.filter((o) => !(direction === 'push' && o.id === me.orgId));
  return (
    <fieldset className="feed-audience">
      <legend>{direction === 'push' ? 'Send what is shared with' : 'Who on this hub may see what it brings in'}</legend>
      <p className="muted small">
        {direction === 'push'
          ? 'The feed sends only what has been shared with the places below, so choose the partner it goes to. What you kept inside your organization never leaves.'
          : 'Leave every box empty and each item is shared here as widely as its TLP marking allows. Tick places to keep what comes in within them.'}
      </p>
      <div className="choices">
        {choices.map((c) => (
          <label key={c.key} className="choice">
            <input type="checkbox" name="feed-audience" value={c.key} checked={value.includes(c.key)} onChange={(e) => toggle(c.key, e.target.checked)} />
            {` ${c.label}`}
          </label>
        ))}
      </div>
      {added.length === 0 ? null : (
        <ul className="chosen-places" aria-label="Also chosen">
          {added.map((k) => {
            const words = audienceInWords(k, me, names);
            return (
              <li key={k}>
                {words}{' '}
                <button type="button" className="link-button" aria-label={`Remove ${words}`} onClick={() => toggle(k, false)}>
                  Remove
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <AddPlace label="Add an organization" name="feed-add-org" none="Choose an organization" onAdd={(id) => add(`org:${id}`)}>
        {KIND_GROUPS.map((g) => {
          const inGroup = orgChoices.filter((o) => o.kind === g.kind);
          return inGroup.length === 0 ? null : (
            <optgroup key={g.kind} label={g.label}>
              {inGroup.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </optgroup>
          );
        })}
      </AddPlace>
      <AddPlace label="Add a state (its state office and all its local offices)" name="feed-add-state" none="Choose a state" onAdd={(fips) => add(`state:${fips}`)}>
        {PLACES.map((p) => (
          <option key={p.fips} value={p.fips}>
            {p.name}
          </option>
        ))}
      </AddPlace>
    </fieldset>
  );
}

/** One "Add …" row: a list to choose from (its options are the children, "" the `none` line) and the button that adds the choice. */
function AddPlace(props: { readonly label: string; readonly name: string; readonly none: string; readonly onAdd: (value: string) => void; readonly children: ReactNode }) {
  const [chosen, setChosen] = useState('');
  return (
    <div className="add-place">
      <label>
        {props.label}
        <select name={props.name} value={chosen} onChange={(e) => setChosen(e.target.value)}>
          <option value="">{props.none}</option>
          {props.children}
        </select>
      </label>
      <button
        type="button"
        disabled={chosen === ''}
        onClick={() => {
          props.onAdd(chosen);
          setChosen('');
        }}
      >
        Add
      </button>
    </div>
  );
}
