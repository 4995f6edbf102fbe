import { Readable } from 'node:stream';
import { parseAudienceKey, type AudienceKey } from '../domain/audience.ts';
import { parseStixId, type StixId } from '../domain/ids.ts';
import { problem, type Problem } from '../domain/problem.ts';
import type { Result } from '../domain/result.ts';
import type { AppPlugin, RampartApp } from '../http/deps.ts';
import type { Clock } from '../domain/clock.ts';
import type { SharingPort } from '../sharing/port.ts';
import { limitBytes } from '../http/import-guard.ts';
import { problemResponses } from '../http/schemas.ts';
import type { SightingAggregate } from '../sharing/aggregates.ts';
import type { Reader, Sharing, StixStore } from '../store/types.ts';
import { PatternCache, type CompilePattern } from './indicator-index.ts';
import { IdParams, MatchQuery, MatchReportSchema, SightingSummarySchema } from './schemas.ts';
import { matchForReader, reportView } from './service.ts';
import { publishSightings, type PublishedSighting } from './sightings.ts';
import type { WarningLists } from './warning-lists.ts';

export interface MatchRouteDeps {
  readonly stix: StixStore;
  readonly sharing: SharingPort;
  readonly clock: Clock;
  /** The anonymous sighting counts of an indicator for a reader (SharingService.sightingAggregate): the summary is that one computation. */
  readonly sightingCounts: (reader: Reader, indicator: StixId) => Promise<Result<SightingAggregate, Problem>>;
  /** Largest log upload in bytes (default 1 GiB); streamed, never held whole. */
  readonly uploadLimit?: number;
  readonly compile?: CompilePattern;
  readonly warningLists?: WarningLists;
}

const LOG_TYPES = ['text/plain', 'application/x-ndjson'];
const UNAUTHENTICATED = problem('unauthenticated', 'unauthenticated', 'Sign in (POST /api/v1/session) or send an API key as "Authorization: Bearer <key>".');

/**
 * `POST /api/v1/match` (a log streamed in, matched against what the uploader may see, hits
 * optionally published as sightings) and `GET /api/v1/objects/{id}/sightings/summary`.
 */
export function matchPlugin(deps: MatchRouteDeps): AppPlugin {
  const limit = deps.uploadLimit ?? 1 << 30;
  const matchDeps = { ...deps, patternCache: new PatternCache() };
  return (kit) => ({
    plugin: (app: RampartApp) => {
      app.removeAllContentTypeParsers();
      // Every body passes through as a stream; the handler names the types it takes.
      app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
      app.post(
        '/api/v1/match',
        {
          schema: {
            tags: ['matching'],
            summary: 'Match a log (streamed) against every indicator shared with you; optionally publish sightings of the hits',
            description: `Body: log lines as ${LOG_TYPES.join(' or ')}, up to ${limit} bytes, in one of the formats of the format parameter.`,
            querystring: MatchQuery,
            response: { 200: MatchReportSchema, ...problemResponses(400, 401, 403, 413, 415, 422) },
          },
        },
        async (request, reply) => {
          const reader = kit.readerOf(request);
          const principal = kit.principalOf(request);
          if (reader === null || principal === null) return kit.sendProblem(reply, UNAUTHENTICATED);
          // A log sent with a session cookie is a cookie-authenticated write like any other (it can publish, and it
          // spends the server's work on the person's behalf): it needs the CSRF token. A read-only key may still match.
          const actor = kit.requireActor(request);
          if (!actor.ok && actor.error.code !== 'insufficient-scope') return kit.sendProblem(reply, actor.error);
          const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
          if (!LOG_TYPES.includes(type) || !(request.body instanceof Readable)) {
            return kit.sendProblem(reply, problem('unsupported-media', 'unsupported-media-type', `Send the log as ${LOG_TYPES.join(' or ')}; got ${type === '' ? 'no Content-Type' : type}`));
          }
          // The log parser passes the request stream on, unread.
          const body = request.body;
          const query = request.query;
          if (query.publish) {
            const writer = kit.requireWriter(request);
            if (!writer.ok) return kit.sendProblem(reply, writer.error);
          }
          const audience: AudienceKey[] = [];
          for (const raw of (query.audience ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '')) {
            const key = parseAudienceKey(raw);
            if (!key.ok) return kit.sendProblem(reply, problem('invalid', key.error.code, `audience: ${key.error.message}`));
            audience.push(key.value);
          }
          // Refuse a sharing the TLP does not allow before reading the log, not after; the decided one is published.
          let sharing: Sharing | null = null;
          if (query.publish) {
            const decided = await deps.sharing.decide(principal.orgId, query.tlp, audience.length === 0 ? undefined : audience);
            if (!decided.ok) return kit.sendProblem(reply, decided.error);
            sharing = decided.value;
          }
          if (Number(request.headers['content-length'] ?? NaN) > limit) return kit.sendProblem(reply, problem('too-large', 'payload-too-large', `the log is larger than the ${limit}-byte limit; split it`));
          const report = await matchForReader(matchDeps, reader, limitBytes(body, limit), { format: query.format, includeWarningListed: query.include_warning_listed });
          if (!report.ok) return kit.sendProblem(reply, report.error);
          let sightings: readonly PublishedSighting[] = [];
          if (sharing !== null) {
            const published = await publishSightings(deps, report.value.summary.hits, sharing);
            if (!published.ok) return kit.sendProblem(reply, published.error);
            sightings = published.value;
          }
          return reply.code(200).send(reportView(report.value, sightings));
        },
      );
      app.get(
        '/api/v1/objects/:id/sightings/summary',
        {
          schema: {
            tags: ['matching'],
            summary: 'How often an indicator was sighted, by how many jurisdictions in how many states; never who',
            params: IdParams,
            response: { 200: SightingSummarySchema, ...problemResponses(400, 401, 404) },
          },
        },
        async (request, reply) => {
          const reader = kit.readerOf(request);
          if (reader === null) return kit.sendProblem(reply, UNAUTHENTICATED);
          const id = parseStixId(request.params.id);
          if (!id.ok) return kit.sendProblem(reply, problem('invalid', id.error.code, id.error.message));
          const summary = await deps.sightingCounts(reader, id.value);
          if (!summary.ok) return kit.sendProblem(reply, summary.error);
          void reply.header('cache-control', 'private, no-store');
          return summary.value;
        },
      );
      return Promise.resolve();
    },
  });
}
