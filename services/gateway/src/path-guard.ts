/**
 * Whether a raw request path is plain enough to forward: no `.` or `..` segment, no
 * empty segment (`//`), no backslash, no encoded slash and no control character, at any
 * depth of percent-encoding. A service, or a proxy between the gateway and it, might
 * normalise such a path into one the gateway never routed (`/api/cart/../../internal/x`),
 * so the gateway refuses it instead of forwarding it.
 */
export function isPlainPath(path: string): boolean {
  if (!path.startsWith('/')) return false;
  if (path.includes('//') || path.includes('\\')) return false;
  return path
    .slice(1)
    .split('/')
    .every((segment) => isPlainSegment(segment));
}

/** How many layers of percent-encoding are peeled off before a segment is judged. */
const DECODE_DEPTH = 3;
const ENCODED = /%[0-9a-f]{2}/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const UNSAFE_CHARACTER = /[/\\\u0000-\u001f\u007f]/;

function isPlainSegment(raw: string): boolean {
  let segment = raw;
  for (let depth = 0; depth < DECODE_DEPTH && ENCODED.test(segment); depth += 1) {
    try {
      segment = decodeURIComponent(segment);
    } catch {
      return false;
    }
    if (UNSAFE_CHARACTER.test(segment)) return false;
  }
  if (ENCODED.test(segment) || UNSAFE_CHARACTER.test(segment)) return false;
  // Some servers read `..;x` as `..` (path parameters): judge the part before `;`.
  const name = segment.split(';')[0];
  return name !== '.' && name !== '..';
}
