import { Ajv, type AnySchema } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * The route validator: Fastify's Ajv set-up with one difference. Only query strings, path parameters
 * and headers (text on the wire) are coerced to their schema's types; a JSON body keeps its types, so
 * `{"require_totp": 1}` or `{"name": 12345}` is refused as the wrong type instead of read as true or "12345".
 * Unknown fields are errors and every field is reported. `shared` are the schemas routes refer to by $id.
 */
export function validatorCompiler(shared: readonly AnySchema[]): FastifySchemaCompiler<AnySchema> {
  const make = (coerceTypes: false | 'array') => {
    const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: true, addUsedSchema: false, strict: false });
    addFormats.default(ajv);
    for (const schema of shared) ajv.addSchema(schema);
    return ajv;
  };
  const text = make('array');
  const json = make(false);
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? json : text;
    const id = typeof schema === 'object' && typeof schema.$id === 'string' ? schema.$id : undefined;
    return (id === undefined ? undefined : ajv.getSchema(id)) ?? ajv.compile(schema);
  };
}
