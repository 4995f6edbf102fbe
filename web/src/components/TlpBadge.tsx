import { tlpLabel, type Tlp } from '../../../src/domain/tlp.ts';
import { TLP_MEANING } from '../sharing-rules.ts';

/** TLP 2.0 label in the official colours: coloured text on black (FIRST TLP 2.0 standard). */
export function TlpBadge(props: { readonly tlp: Tlp; readonly large?: boolean }) {
  const cls = `tlp tlp-${props.tlp.replace('+', '-')}${props.large === true ? ' tlp-large' : ''}`;
  return (
    <span className={cls} title={`${tlpLabel(props.tlp)}: ${TLP_MEANING[props.tlp]}`}>
      {tlpLabel(props.tlp)}
    </span>
  );
}
