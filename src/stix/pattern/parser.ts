import { err, ok, type Result } from '../../domain/result.ts';
import type { Comparison, ComparisonExpression, ComparisonOperator, Literal, ObjectPath, ObservationExpression, PathStep, Pattern, PatternError, Qualifier, SetLiteral } from './ast.ts';
import { parseCidr } from './cidr.ts';
import { describeToken, tokenize, type Keyword, type Punctuation, type Token } from './lexer.ts';
import { compileMatches } from './regex.ts';

/** Thrown only inside this module to unwind the descent; parsePattern turns it back into a value. */
class SyntaxFailure extends Error {
  constructor(readonly error: PatternError) {
    super(error.message);
  }
}

const COMPARISON_OPERATORS: ReadonlySet<string> = new Set(['=', '!=', '<', '>', '<=', '>=', 'IN', 'LIKE', 'MATCHES', 'ISSUBSET', 'ISSUPERSET']);
const OPERATOR_LIST = "=, !=, <, >, <=, >=, IN, LIKE, MATCHES, ISSUBSET or ISSUPERSET";

function isOperator(value: string): value is ComparisonOperator {
  return COMPARISON_OPERATORS.has(value);
}

/** Deeper nesting than any real pattern needs; bounds recursion so hostile input cannot overflow the stack. */
export const MAX_NESTING = 100;

class Parser {
  private position = 0;
  private depth = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  private peek(): Token {
    return this.tokens[this.position] ?? this.tokens[this.tokens.length - 1] ?? { kind: 'eof', column: 1 };
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.position += 1;
    return token;
  }

  private fail(message: string, column: number): never {
    throw new SyntaxFailure({ code: 'invalid-pattern', message, column });
  }

  private expected(what: string, token: Token = this.peek()): never {
    return this.fail(`expected ${what}, found ${describeToken(token)}`, token.column);
  }

  private isPunct(value: Punctuation): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.value === value;
  }

  private isKeyword(value: Keyword): boolean {
    const t = this.peek();
    return t.kind === 'keyword' && t.value === value;
  }

  private expectPunct(value: Punctuation, what = `'${value}'`): Token {
    if (!this.isPunct(value)) this.expected(what);
    return this.next();
  }

  private expectKeyword(value: Keyword): Token {
    if (!this.isKeyword(value)) this.expected(value);
    return this.next();
  }

  /** Consumes an opening parenthesis, refusing nesting beyond MAX_NESTING. */
  private enter(): void {
    const open = this.next();
    this.depth += 1;
    if (this.depth > MAX_NESTING) this.fail(`parentheses nest deeper than ${MAX_NESTING} levels: simplify the pattern`, open.column);
  }

  pattern(): Pattern {
    if (this.peek().kind === 'eof') this.expected("an observation expression such as [ipv4-addr:value = '198.51.100.1']");
    const expression = this.observations();
    if (this.peek().kind !== 'eof') this.expected('AND, OR, FOLLOWEDBY, a qualifier or the end of the pattern');
    return { expression };
  }

  private observations(): ObservationExpression {
    return this.joined('FOLLOWEDBY', 'followedby', () => this.joined('OR', 'or', () => this.joined('AND', 'and', () => this.qualified())));
  }

  private joined(keyword: Keyword, kind: 'and' | 'or' | 'followedby', operand: () => ObservationExpression): ObservationExpression {
    const first = operand();
    if (!this.isKeyword(keyword)) return first;
    const operands = [first];
    while (this.isKeyword(keyword)) {
      this.next();
      operands.push(operand());
    }
    return { kind, operands, column: first.column };
  }

  private qualified(): ObservationExpression {
    let expression = this.primaryObservation();
    for (;;) {
      const qualifier = this.qualifier();
      if (qualifier === null) return expression;
      expression = { kind: 'qualified', expression, qualifier, column: expression.column };
    }
  }

  private primaryObservation(): ObservationExpression {
    const token = this.peek();
    if (this.isPunct('[')) {
      this.next();
      const expression = this.comparisonOr();
      this.expectPunct(']', "AND, OR or ']' to close the observation expression");
      return { kind: 'observation', expression, column: token.column };
    }
    if (this.isPunct('(')) {
      this.enter();
      const inner = this.observations();
      this.expectPunct(')', "AND, OR, FOLLOWEDBY, a qualifier or ')'");
      this.depth -= 1;
      return inner;
    }
    return this.expected("'[' to open an observation expression or '(' to group observation expressions");
  }

  private qualifier(): Qualifier | null {
    const token = this.peek();
    if (token.kind !== 'keyword') return null;
    if (token.value === 'REPEATS') {
      this.next();
      const times = this.next();
      if (times.kind === 'literal' && times.literal.kind === 'int' && times.literal.value < 1) {
        this.fail(`REPEATS ${times.literal.value} TIMES asks for fewer than one observation; write a whole number of at least 1, such as REPEATS 2 TIMES`, times.column);
      }
      if (times.kind !== 'literal' || times.literal.kind !== 'int') this.expected('a whole number of at least 1 after REPEATS, such as REPEATS 2 TIMES', times);
      this.expectKeyword('TIMES');
      return { kind: 'repeats', times: times.literal.value, column: token.column };
    }
    if (token.value === 'WITHIN') {
      this.next();
      const amount = this.next();
      if (amount.kind === 'literal' && (amount.literal.kind === 'int' || amount.literal.kind === 'float') && amount.literal.value <= 0) {
        this.fail(`WITHIN ${amount.literal.value} SECONDS is no time window; write a positive number of seconds, such as WITHIN 300 SECONDS`, amount.column);
      }
      if (amount.kind !== 'literal' || (amount.literal.kind !== 'int' && amount.literal.kind !== 'float')) this.expected('a positive number of seconds after WITHIN, such as WITHIN 300 SECONDS', amount);
      this.expectKeyword('SECONDS');
      return { kind: 'within', seconds: amount.literal.value, column: token.column };
    }
    if (token.value === 'START') {
      this.next();
      const start = this.timestamp('START');
      this.expectKeyword('STOP');
      const stop = this.timestamp('STOP');
      // STOP at or before START parses, as in the OASIS reference matcher, and never matches (never-matches.ts says so).
      return { kind: 'start-stop', start: start.value, stop: stop.value, column: token.column };
    }
    return null;
  }

  private timestamp(after: string): { value: string; column: number } {
    const token = this.next();
    if (token.kind !== 'literal' || token.literal.kind !== 'timestamp') return this.expected(`a timestamp literal such as t'2024-11-05T00:00:00Z' after ${after}`, token);
    return { value: token.literal.value, column: token.column };
  }

  private comparisonOr(): ComparisonExpression {
    const first = this.comparisonAnd();
    if (!this.isKeyword('OR')) return first;
    const operands = [first];
    while (this.isKeyword('OR')) {
      this.next();
      operands.push(this.comparisonAnd());
    }
    return { kind: 'or', operands, column: first.column };
  }

  private comparisonAnd(): ComparisonExpression {
    const first = this.propTest();
    if (!this.isKeyword('AND')) return first;
    const operands = [first];
    while (this.isKeyword('AND')) {
      this.next();
      operands.push(this.propTest());
    }
    return { kind: 'and', operands, column: first.column };
  }

  private propTest(): ComparisonExpression {
    if (this.isPunct('(')) {
      this.enter();
      const inner = this.comparisonOr();
      this.expectPunct(')', "AND, OR or ')'");
      this.depth -= 1;
      return inner;
    }
    const path = this.objectPath();
    let negated = false;
    if (this.isKeyword('NOT')) {
      this.next();
      negated = true;
    }
    const opToken = this.next();
    const op = opToken.kind === 'punct' || opToken.kind === 'keyword' ? opToken.value : '';
    if (!isOperator(op)) return this.expected(`a comparison operator (${OPERATOR_LIST})${negated ? '' : ' or NOT'}`, opToken);
    const value = this.comparisonValue(op);
    const comparison: Comparison = { kind: 'comparison', path, operator: op, negated, value, column: path.column };
    return comparison;
  }

  private comparisonValue(op: ComparisonOperator): Literal | SetLiteral {
    switch (op) {
      case 'IN':
        return this.setLiteral();
      case '=':
      case '!=':
        return this.literal(`a value to compare with ${op}`);
      case '<':
      case '>':
      case '<=':
      case '>=': {
        const literal = this.literal(`a value to compare with ${op}`);
        if (literal.kind === 'bool') this.fail(`${op} cannot order booleans: use = or != with true/false`, literal.column);
        return literal;
      }
      case 'LIKE':
        return this.stringLiteral(op);
      case 'MATCHES': {
        const literal = this.stringLiteral(op);
        const compiled = compileMatches(literal.value);
        if (typeof compiled === 'string') this.fail(`MATCHES needs a valid regular expression: ${compiled}`, literal.column);
        return literal;
      }
      case 'ISSUBSET':
      case 'ISSUPERSET': {
        const literal = this.stringLiteral(op);
        if (parseCidr(literal.value) === null) this.fail(`${op} needs an IPv4 or IPv6 address or CIDR block such as '198.51.100.0/24', not '${literal.value}'`, literal.column);
        return literal;
      }
    }
  }

  private literal(what: string): Literal {
    const token = this.next();
    if (token.kind !== 'literal') return this.expected(what, token);
    return token.literal;
  }

  private stringLiteral(op: string): Extract<Literal, { kind: 'string' }> {
    const token = this.next();
    if (token.kind !== 'literal' || token.literal.kind !== 'string') return this.expected(`a quoted string after ${op}`, token);
    return token.literal;
  }

  private setLiteral(): SetLiteral {
    const open = this.expectPunct('(', "'(' to open the set of values after IN");
    const values: Literal[] = [];
    if (!this.isPunct(')')) {
      for (;;) {
        const literal = this.literal("a value in the set after IN");
        const first = values[0];
        if (first !== undefined && group(first) !== group(literal)) this.fail(`every value in an IN set must have the same type: ${literal.kind} after ${first.kind}`, literal.column);
        values.push(literal);
        if (!this.isPunct(',')) break;
        this.next();
      }
    }
    this.expectPunct(')', "',' or ')' to close the set");
    return { kind: 'set', values, column: open.column };
  }

  private objectPath(): ObjectPath {
    const typeToken = this.next();
    if (typeToken.kind !== 'identifier') return this.expected("an object path such as file:name or '(' ", typeToken);
    this.expectPunct(':', `':' after the object type '${typeToken.value}'`);
    const steps: PathStep[] = [{ kind: 'key', key: this.pathKey() }];
    for (;;) {
      if (this.isPunct('.')) {
        this.next();
        steps.push({ kind: 'key', key: this.pathKey() });
      } else if (this.isPunct('[')) {
        this.next();
        steps.push(this.indexStep());
        this.expectPunct(']', "']' to close the list index");
      } else {
        return { objectType: typeToken.value, steps, column: typeToken.column };
      }
    }
  }

  private pathKey(): string {
    const token = this.next();
    if (token.kind === 'literal' && token.literal.kind === 'string') return token.literal.value;
    if (token.kind === 'identifier') {
      if (token.value.includes('-')) this.fail(`property name '${token.value}' contains a hyphen: quote it as '${token.value}'`, token.column);
      return token.value;
    }
    return this.expected('a property name (quote names that hold hyphens or dots)', token);
  }

  private indexStep(): PathStep {
    if (this.isPunct('*')) {
      this.next();
      return { kind: 'any-index' };
    }
    const token = this.next();
    if (token.kind !== 'literal' || token.literal.kind !== 'int') return this.expected("a list index (an integer or *)", token);
    return { kind: 'index', index: token.literal.value };
  }
}

/** Numbers of either kind compare with each other, so they may share an IN set. */
function group(literal: Literal): string {
  return literal.kind === 'float' ? 'int' : literal.kind;
}

/** Parses a STIX 2.1 pattern; a bad one gets `invalid-pattern` with the 1-based column and what was expected there. */
export function parsePattern(text: string): Result<Pattern, PatternError> {
  const tokens = tokenize(text);
  if (!tokens.ok) return tokens;
  try {
    return ok(new Parser(tokens.value).pattern());
  } catch (error) {
    if (error instanceof SyntaxFailure) return err(error.error);
    throw error;
  }
}
