/**
 * Baseline for the `gateway` scenario: the least a Node reverse proxy does. Bare Fastify
 * and @fastify/http-proxy (the gateway's own proxy, with its undici pool) forwarding
 * every path to one service (UPSTREAM), with no rate limit, security headers, path guard,
 * request ids, logging or metrics.
 */
import httpProxy from '@fastify/http-proxy';
import Fastify from 'fastify';

const upstream = process.env.UPSTREAM;
if (!upstream) throw new Error('UPSTREAM is not set');
const app = Fastify({ logger: false });
await app.register(httpProxy, { upstream });
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
