/** Small HTTP helpers the end-to-end files share: JSON posts, bearer headers, answers read as JSON. */

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field by each test.
export type Body = Record<string, any>;

export interface Answer {
  status: number;
  headers: Headers;
  body: Body;
}

/** Reads a response: its status, headers and JSON body (`{text}` when the body is not JSON, `{}` when empty). */
export async function json(response: Response): Promise<Answer> {
  const text = await response.text();
  let body: Body = {};
  try {
    body = text ? (JSON.parse(text) as Body) : {};
  } catch {
    body = { text };
  }
  return { status: response.status, headers: response.headers, body };
}

export function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A request to `base + path`, with a bearer token and a JSON body when given, read as an Answer. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) Object.assign(headers, bearer(options.token));
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  return json(
    await fetch(`${base}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    }),
  );
}
