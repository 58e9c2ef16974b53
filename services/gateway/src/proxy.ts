import { PassThrough, type Readable } from 'node:stream';
import httpProxy from '@fastify/http-proxy';
import { currentTraceparent, discardRestOfBody, type HttpApp, HttpProblem } from '@shop/platform';
import { ROUTES } from './routes-table.ts';
import { upstreamProblem } from './upstream-errors.ts';
import type { Upstreams } from './upstreams.ts';

export interface ProxyOptions {
  upstreams: Upstreams;
  timeoutMs: number;
}

type Headers = Record<string, string | string[] | undefined>;

/** What forwarding needs to know about the client's request, as the gateway saw it. */
interface ClientRequest {
  id: string;
  /** The client's address: the TCP peer, or what a trusted proxy in front named (TRUST_PROXY). */
  ip: string;
  protocol: string;
  host: string;
}

/**
 * Response headers never passed on: those about the upstream connection, not the message,
 * and the request id, which the client gets as the gateway set it (the one it forwarded).
 */
const NOT_PASSED_ON = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
  'x-request-id',
]);

/**
 * One proxy per row of the route table. Bodies stream both ways untouched: the gateway
 * parses and limits none (each service enforces its own 413/415), the method, path,
 * query string, status and headers pass through, and a failure to reach the service
 * becomes a 502/503/504 problem naming it.
 */
export async function registerProxy(app: HttpApp, options: ProxyOptions): Promise<void> {
  for (const route of ROUTES) {
    const upstream = options.upstreams.get(route.service);
    await app.register(async (scope) => {
      // Inherited parsers (JSON, forms) would read the body; the proxy adds its pass-through ones.
      scope.removeAllContentTypeParsers();
      // A service may answer (413, say) before it has taken the whole body; the client is
      // still sending it. Read the rest and let it go, or the client's next request on
      // this connection would wait behind it.
      scope.addHook('onResponse', async (request) => discardRestOfBody(request.raw));
      // The upstream client reads the body through a relay: when it stops early (the
      // service answered first) it ends the relay, not the client's request.
      scope.addHook('preParsing', async (request, _reply, payload) =>
        hasBody(request.headers) ? relayBody(payload) : payload,
      );
      await scope.register(httpProxy, {
        upstream: upstream.url,
        prefix: route.prefix,
        rewritePrefix: route.prefix,
        undici: upstream.agent,
        disableRequestLogging: true,
        // Retrying is the client's call: it knows whether its request is safe to repeat.
        retryMethods: [],
        internalRewriteLocationHeader: false,
        replyOptions: {
          rewriteRequestHeaders: (request, headers) => forwardHeaders(request, headers as Headers),
          rewriteHeaders: (headers) => withoutConnectionHeaders(headers as Headers),
          onResponse: (request, reply, response) => {
            // reply-from closes a connection whose request body is unfinished; the rest
            // is read and discarded instead (see the onResponse hook), so it stays usable.
            reply.removeHeader('connection');
            const body = response.stream as Readable;
            if (request.method === 'HEAD' || response.statusCode === 204 || response.statusCode === 304) {
              // No body may follow; a service's stray Content-Length must not make one up.
              body.on('error', () => {}).resume();
              if (request.method !== 'HEAD') reply.removeHeader('content-length');
              reply.send();
              return;
            }
            reply.send(guardBody(body, route.service));
          },
          onError: (reply, { error }) => {
            const request = reply.request.raw;
            const bodyUnfinished = !request.complete;
            const problem = upstreamProblem(route.service, error, options.timeoutMs, { bodyUnfinished });
            reply.request.log.warn({ err: error, service: route.service, status: problem.status }, 'upstream failed');
            // The rest of the client's body has nowhere to go: discard what comes, and close after answering.
            if (bodyUnfinished) {
              request.resume();
              reply.header('connection', 'close');
            }
            reply.send(problem);
          },
        },
      });
    });
  }
}

/**
 * The request headers a service receives: the client's, plus the request id the client
 * sees, the trace, and who the client is. X-Forwarded-* are replaced, never extended, with
 * what the gateway saw: the client's address (the TCP peer, or what the proxies TRUST_PROXY
 * names said), protocol and host. A service behind the gateway trusts that one hop, so a
 * client cannot pose as another address by sending its own X-Forwarded-For.
 */
export function forwardHeaders(request: ClientRequest, headers: Headers): Headers {
  // Copied name by name, never `delete`d: deleting turns an object into a slow dictionary.
  const forwarded: Headers = {};
  for (const name in headers) {
    // `Expect: 100-continue` is between the client and the gateway, which has answered it.
    if (name !== 'forwarded' && name !== 'expect') forwarded[name] = headers[name];
  }
  forwarded['x-request-id'] = request.id;
  forwarded['x-forwarded-for'] = request.ip;
  forwarded['x-forwarded-proto'] = request.protocol;
  forwarded['x-forwarded-host'] = request.host;
  const traceparent = currentTraceparent() ?? joined(headers.traceparent);
  if (traceparent) forwarded.traceparent = traceparent;
  return forwarded;
}

/**
 * The service's response body on its way to the client. If it breaks off before the
 * first byte is sent, the client gets a 502 problem rather than a 500; later, the
 * connection is cut, as the client must not take a truncated body for a whole one.
 */
function guardBody(body: Readable, service: string): Readable {
  const relay = new PassThrough();
  body.on('error', () => {
    relay.destroy(new HttpProblem(502, `The ${service} service broke off its response.`, { code: 'bad_gateway' }));
  });
  relay.on('close', () => {
    if (!body.readableEnded) body.destroy();
  });
  return body.pipe(relay);
}

/**
 * The client's body on its way to the service. If the client's connection ends before the
 * body is whole (it went away, or took longer than REQUEST_TIMEOUT_MS and got a 408), the
 * relay fails too, so the call to the service is abandoned instead of waiting forever.
 */
function relayBody(payload: Readable): Readable {
  const relay = new PassThrough();
  payload.on('close', () => {
    if (!(payload as Readable & { complete?: boolean }).complete) relay.destroy(new Error('the client went away'));
  });
  return payload.pipe(relay);
}

/** Whether a request carries a body (HTTP/1.1: a Content-Length above 0, or chunks). */
function hasBody(headers: Headers): boolean {
  return Number(headers['content-length'] ?? 0) > 0 || headers['transfer-encoding'] !== undefined;
}

function withoutConnectionHeaders(headers: Headers): Headers {
  const kept: Headers = {};
  for (const name in headers) if (!NOT_PASSED_ON.has(name)) kept[name] = headers[name];
  return kept;
}

function joined(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
