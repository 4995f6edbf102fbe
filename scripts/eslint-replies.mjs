// One API contract (issue 9), as an ESLint rule: a feature's reply helper that takes a plain FastifyReply and calls
// .send(value) on it sends a value no response schema checks, so a route could answer anything through it.

/** Whether a type annotation is a plain `FastifyReply` (not `FastifyReply & Sends<V>`, whose send is typed). */
function isPlainReply(annotation) {
  return annotation?.type === 'TSTypeReference' && annotation.typeName.type === 'Identifier' && annotation.typeName.name === 'FastifyReply';
}

/** The identifier a chain like `reply.code(201).header(…).send` starts from, or null. */
function rootOf(node) {
  let at = node;
  for (;;) {
    if (at.type === 'MemberExpression') at = at.object;
    else if (at.type === 'CallExpression') at = at.callee;
    else if (at.type === 'TSNonNullExpression' || at.type === 'TSAsExpression') at = at.expression;
    else return at.type === 'Identifier' ? at : null;
  }
}

/** The variable a name refers to from `scope`, or null. */
function variableOf(scope, name) {
  for (let s = scope; s !== null; s = s.upper) {
    const found = s.set.get(name);
    if (found !== undefined) return found;
  }
  return null;
}

/** @type {import('eslint').Rule.RuleModule} */
export const checkedRepliesRule = {
  meta: {
    type: 'problem',
    docs: { description: "A feature's reply helpers send through a reply typed by the route's response schema, or send bytes with sendBytes" },
    schema: [],
    messages: {
      unchecked:
        "'{{name}}' is a plain FastifyReply, so this send is checked against no response schema: take `{{name}}: FastifyReply & Sends<V>` with the value as NoInfer<V> (src/http/send-result.ts, as sendResult) so the route's schema types it, or send bytes the route made itself with sendBytes (src/http/send-bytes.ts).",
    },
  },
  create(context) {
    return {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier' || callee.property.name !== 'send') return;
        if (node.arguments.length === 0) return; // an empty 204/304 carries no value
        const root = rootOf(callee.object);
        if (root === null) return;
        const variable = variableOf(context.sourceCode.getScope(node), root.name);
        const def = variable?.defs[0];
        if (def === undefined || def.type !== 'Parameter') return;
        if (isPlainReply(def.name.typeAnnotation?.typeAnnotation)) context.report({ node, messageId: 'unchecked', data: { name: root.name } });
      },
    };
  },
};
