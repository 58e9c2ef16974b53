import createClient, { type Middleware } from 'openapi-fetch';
import { ApiError, toProblem } from './problem';
import type { paths } from './schema';

/** The shop's API, typed from its OpenAPI document: a wrong path, field or missing header does not compile. */
export type Api = ReturnType<typeof createClient<paths>>;

/**
 * The API client, on the page's own origin (the gateway). `accessToken` supplies the bearer
 * token for each request, when signed in.
 */
export function createApi(accessToken: () => string | undefined, baseUrl = ''): Api {
  const api = createClient<paths>({ baseUrl });
  const auth: Middleware = {
    onRequest({ request }) {
      const token = accessToken();
      if (token && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${token}`);
      return request;
    },
  };
  api.use(auth);
  return api;
}

/**
 * The data of an openapi-fetch result, or an ApiError with the server's problem. Every call
 * in the app goes through this, so a failure always carries something to show.
 */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok || error !== undefined) {
    const retryAfter = Number.parseInt(response.headers.get('retry-after') ?? '', 10);
    throw new ApiError(
      response.status,
      toProblem(response.status, error),
      Number.isFinite(retryAfter) ? retryAfter : undefined,
    );
  }
  return data as T;
}

/** As unwrap, but "there is no such thing" (404) is null, for a page to say "not found" rather than fail. */
export async function unwrapOrNull<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T | null> {
  try {
    return await unwrap(call);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}
