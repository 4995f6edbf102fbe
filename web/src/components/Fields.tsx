import type { ReactNode } from 'react';

/*
 * The form fields the editors share: each a label around its control (so a click on the words reaches
 * it and screen readers name it), the control's value in the page's state.
 */

interface FieldProps {
  /** The words above the control. */
  readonly label: ReactNode;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly name?: string;
  readonly placeholder?: string;
  readonly maxLength?: number;
  /** The label's class, e.g. "field-invalid" when the page found a problem with it. */
  readonly className?: string;
}

/** Only the attributes given, so that an absent one is left out rather than set to undefined. */
const given = (props: { readonly name?: string | undefined; readonly placeholder?: string | undefined; readonly maxLength?: number | undefined }) => ({
  ...(props.name === undefined ? {} : { name: props.name }),
  ...(props.placeholder === undefined ? {} : { placeholder: props.placeholder }),
  ...(props.maxLength === undefined ? {} : { maxLength: props.maxLength }),
});
const labelClass = (className: string | undefined) => (className === undefined || className === '' ? {} : { className });

/** A one-line text field. */
export function TextField(props: FieldProps & { readonly type?: 'text' | 'url' | 'search'; readonly inputMode?: 'url' | 'text' }) {
  return (
    <label {...labelClass(props.className)}>
      {props.label}
      <input {...given(props)} {...(props.type === undefined ? {} : { type: props.type })} {...(props.inputMode === undefined ? {} : { inputMode: props.inputMode })} value={props.value} onChange={(e) => props.onChange(e.target.value)} />
    </label>
  );
}

/** A text field of several lines. */
export function TextAreaField(props: FieldProps & { readonly rows: number }) {
  return (
    <label {...labelClass(props.className)}>
      {props.label}
      <textarea {...given(props)} rows={props.rows} value={props.value} onChange={(e) => props.onChange(e.target.value)} />
    </label>
  );
}

/** A menu of choices; `empty` is the first line when nothing is chosen yet ("Choose a platform"). */
export function SelectField(props: Omit<FieldProps, 'placeholder' | 'maxLength'> & { readonly options: readonly { readonly value: string; readonly label: string }[]; readonly empty?: string }) {
  return (
    <label {...labelClass(props.className)}>
      {props.label}
      <select {...given(props)} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        {props.empty === undefined ? null : <option value="">{props.empty}</option>}
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A set of radio buttons under a legend; each choice's words may hold more than text (a badge, a line of help). */
export function RadioChoices<V extends string>(props: {
  readonly legend: ReactNode;
  readonly name: string;
  readonly value: V;
  readonly onChange: (value: V) => void;
  readonly choices: readonly { readonly value: V; readonly label: ReactNode }[];
  /** The class of each choice's label, after "choice". */
  readonly choiceClass?: string;
}) {
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      <div className="choices">
        {props.choices.map((c) => (
          <label key={c.value} className={props.choiceClass === undefined ? 'choice' : `choice ${props.choiceClass}`}>
            <input type="radio" name={props.name} value={c.value} checked={props.value === c.value} onChange={() => props.onChange(c.value)} />
            {typeof c.label === 'string' ? ` ${c.label}` : c.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
