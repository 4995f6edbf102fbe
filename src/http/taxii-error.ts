import type { FastifyReply } from 'fastify';
import { errorBody, type TaxiiError } from '../taxii/errors.ts';
import { TAXII_CONTENT_TYPE } from '../taxii/media.ts';

/** Realm of the Basic challenge on every 401 (§1.6.9: clients must support Basic). */
export const WWW_AUTHENTICATE = 'Basic realm="Rampart TAXII", charset="UTF-8", Bearer realm="Rampart TAXII"';

/** The one place a TaxiiError (src/taxii/errors.ts) becomes an HTTP response: the TAXII counterpart of problem.ts. */
export function sendTaxiiError(reply: FastifyReply, e: TaxiiError): FastifyReply {
  if (e.status === 401) void reply.header('www-authenticate', WWW_AUTHENTICATE);
  // Bytes, so Fastify adds no charset to the media type even where the TAXII onSend hook does not run (router errors).
  return reply.code(e.status).header('content-type', TAXII_CONTENT_TYPE).send(Buffer.from(errorBody(e)));
}
