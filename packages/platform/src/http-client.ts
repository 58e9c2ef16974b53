import { Agent, type Dispatcher, RetryAgent, request } from 'undici';
import { DomainError } from './errors.ts';

export interface ServiceClientOptions {
  /** The other service, for error messages: "product". */
  service: string;
  baseUrl: string;
  /** Deadline for one call, retries included. Default 2 s. */
  timeoutMs?: number;
  /** Extra attempts for idempotent calls after a network error, 502, 503 or 504. Default 2. */
  retries?: number;
  /** Supplies the bearer token for each call (a client_credentials token, or the caller's). */
  token?: () => Promise<string>;
}

export interface ServiceResponse<T = unknown> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** Safe to repeat: GET, HEAD, PUT and DELETE are; a POST is when the server dedupes it by key. */
  idempotent?: boolean;
  /** Overrides the client's token for this call. */
  token?: string;
}

/**
 * Calls another service over HTTP with a deadline and bounded retries for idempotent
 * requests. A network failure, a timeout or a 5xx from the other side becomes a
 * DomainError ('unavailable' or 'timeout'), which the caller's HTTP layer answers as 503/504.
 */
export class ServiceClient {
  private readonly plain: Dispatcher;
  private readonly retrying: Dispatcher;
  private readonly timeoutMs: number;

  constructor(private readonly options: ServiceClientOptions) {
    this.timeoutMs = options.timeoutMs ?? 2_000;
    this.plain = new Agent({ connect: { timeout: this.timeoutMs }, keepAliveTimeout: 10_000 });
    this.retrying = new RetryAgent(this.plain as Agent, {
      maxRetries: options.retries ?? 2,
      minTimeout: 50,
      maxTimeout: 500,
      timeoutFactor: 2,
      methods: ['GET', 'HEAD', 'PUT', 'DELETE', 'POST', 'PATCH'],
      statusCodes: [502, 503, 504],
      errorCodes: ['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'ENETUNREACH', 'EHOSTUNREACH', 'EPIPE', 'UND_ERR_SOCKET'],
    });
  }

  async call<T = unknown>(method: string, path: string, options: CallOptions = {}): Promise<ServiceResponse<T>> {
    const idempotent = options.idempotent ?? ['GET', 'HEAD', 'PUT', 'DELETE'].includes(method);
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    const token = options.token ?? (this.options.token ? await this.options.token() : undefined);
    if (token) headers.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const response = await request(new URL(path, this.options.baseUrl), {
        method: method as Dispatcher.HttpMethod,
        headers,
        body: payload,
        signal,
        dispatcher: idempotent ? this.retrying : this.plain,
      });
      const text = await response.body.text();
      const body = text && isJson(response.headers['content-type']) ? JSON.parse(text) : text;
      if (response.statusCode >= 500) {
        throw new DomainError('unavailable', `The ${this.options.service} service answered ${response.statusCode}.`, {
          retryAfterSeconds: 1,
        });
      }
      return { status: response.statusCode, headers: response.headers, body: body as T };
    } catch (error) {
      if (error instanceof DomainError) throw error;
      if (signal.aborted) {
        throw new DomainError('unavailable', `The ${this.options.service} service did not answer in time.`, {
          retryAfterSeconds: 1,
          cause: error,
        });
      }
      throw new DomainError('unavailable', `The ${this.options.service} service is unreachable.`, {
        retryAfterSeconds: 1,
        cause: error,
      });
    }
  }

  async close(): Promise<void> {
    await this.plain.close();
  }
}

function isJson(contentType: string | string[] | undefined): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  return typeof value === 'string' && /[/+]json\b/.test(value);
}

/**
 * A cached OAuth 2.0 client_credentials token for service-to-service calls, renewed a
 * minute before it expires.
 */
export function clientCredentialsToken(options: {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  timeoutMs?: number;
}): () => Promise<string> {
  let cached: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;
  const fetchToken = async (): Promise<string> => {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (options.scope) form.set('scope', options.scope);
    const basic = Buffer.from(
      `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`,
    ).toString('base64');
    let response: Awaited<ReturnType<typeof request>>;
    try {
      response = await request(options.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
        body: form.toString(),
        signal: AbortSignal.timeout(options.timeoutMs ?? 2_000),
      });
    } catch (error) {
      throw new DomainError('unavailable', 'The account service is unreachable for a service token.', { cause: error });
    }
    const body = (await response.body.json()) as { access_token?: string; expires_in?: number; error?: string };
    if (response.statusCode !== 200 || !body.access_token) {
      throw new DomainError(
        'unavailable',
        `The account service refused the service token (${body.error ?? response.statusCode}).`,
      );
    }
    const lifetime = (body.expires_in ?? 300) * 1000;
    cached = { token: body.access_token, renewAt: Date.now() + Math.max(lifetime - 60_000, lifetime / 2) };
    return body.access_token;
  };
  return async () => {
    if (cached && Date.now() < cached.renewAt) return cached.token;
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  };
}
