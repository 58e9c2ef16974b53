/**
 * Where to go after signing in: a path on this site only. Anything else (another origin,
 * `//host`, a backslash trick, the sign-in pages themselves) goes to the catalog, so a
 * crafted link cannot send a customer off-site or into a loop.
 */
export function safeNext(raw: string | null): string {
  if (!raw?.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  if (/^\/(signin|signup)(\/|\?|$)/.test(raw)) return '/';
  return raw;
}

/** `/signin?next=…` (or /signup) for coming back to `path` after. */
export function signInPath(path: string, page: 'signin' | 'signup' = 'signin'): string {
  return `/${page}?next=${encodeURIComponent(path)}`;
}
