/**
 * The syntax tree of a STIX 2.1 pattern (STIX 2.1 §9). Produced by `parsePattern`, consumed by
 * `compilePattern` and by log matching (which indexes the equality comparisons).
 * Every node carries `column`: the 1-based position of its first character in the pattern text.
 */

/** A constant in a pattern. Binary and hex literals carry their decoded bytes. */
export type Literal =
  | { readonly kind: 'string'; readonly value: string; readonly column: number }
  | { readonly kind: 'int'; readonly value: number; readonly column: number }
  | { readonly kind: 'float'; readonly value: number; readonly column: number }
  | { readonly kind: 'bool'; readonly value: boolean; readonly column: number }
  | { readonly kind: 'binary'; readonly value: Uint8Array; readonly text: string; readonly column: number }
  | { readonly kind: 'hex'; readonly value: Uint8Array; readonly text: string; readonly column: number }
  /** `value` is the STIX timestamp exactly as written between `t'` and `'`. */
  | { readonly kind: 'timestamp'; readonly value: string; readonly column: number };

export type LiteralKind = Literal['kind'];

/** The right-hand side of `IN`: `('a', 'b')`. All members have the same type (numbers mix freely). */
export interface SetLiteral {
  readonly kind: 'set';
  readonly values: readonly Literal[];
  readonly column: number;
}

/** One step of an object path after the object type: `.name`, `.'SHA-256'`, `[0]`, `[*]`. */
export type PathStep =
  | { readonly kind: 'key'; readonly key: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'any-index' };

/** `file:hashes.'SHA-256'` is `{ objectType: 'file', steps: [key hashes, key SHA-256] }`; the first step is always a key. */
export interface ObjectPath {
  readonly objectType: string;
  readonly steps: readonly PathStep[];
  readonly column: number;
}

export type EqualityOperator = '=' | '!=';
export type OrderOperator = '<' | '>' | '<=' | '>=';
export type StringOperator = 'LIKE' | 'MATCHES' | 'ISSUBSET' | 'ISSUPERSET';
export type ComparisonOperator = EqualityOperator | OrderOperator | 'IN' | StringOperator;

/** `<path> [NOT] <operator> <value>`: `value` is a SetLiteral exactly when the operator is IN. */
export interface Comparison {
  readonly kind: 'comparison';
  readonly path: ObjectPath;
  readonly operator: ComparisonOperator;
  readonly negated: boolean;
  readonly value: Literal | SetLiteral;
  readonly column: number;
}

/** Inside `[...]`: comparisons joined by AND (binds tighter) and OR, flattened to n-ary nodes. */
export type ComparisonExpression =
  | Comparison
  | { readonly kind: 'and'; readonly operands: readonly ComparisonExpression[]; readonly column: number }
  | { readonly kind: 'or'; readonly operands: readonly ComparisonExpression[]; readonly column: number };

export type Qualifier =
  | { readonly kind: 'repeats'; readonly times: number; readonly column: number }
  | { readonly kind: 'within'; readonly seconds: number; readonly column: number }
  | { readonly kind: 'start-stop'; readonly start: string; readonly stop: string; readonly column: number };

/** Between observation expressions: FOLLOWEDBY binds loosest, then OR, then AND; qualifiers bind tightest. */
export type ObservationExpression =
  | { readonly kind: 'observation'; readonly expression: ComparisonExpression; readonly column: number }
  | { readonly kind: 'and'; readonly operands: readonly ObservationExpression[]; readonly column: number }
  | { readonly kind: 'or'; readonly operands: readonly ObservationExpression[]; readonly column: number }
  | { readonly kind: 'followedby'; readonly operands: readonly ObservationExpression[]; readonly column: number }
  | { readonly kind: 'qualified'; readonly expression: ObservationExpression; readonly qualifier: Qualifier; readonly column: number };

/** A whole pattern: one observation expression. */
export interface Pattern {
  readonly expression: ObservationExpression;
}

/** The error every bad pattern gets: `column` is 1-based, the message says what was expected there. */
export interface PatternError {
  readonly code: 'invalid-pattern';
  readonly message: string;
  readonly column: number;
}
