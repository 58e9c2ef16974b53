import { useParams } from 'react-router';

/** The API's ids run from 1 to 2^31 - 1. */
const MAX_ID = 2_147_483_647;

/**
 * The route's `:id` when it can name a record, else null: an address that cannot be one is a
 * missing page at once, not a request the API refuses.
 */
export function useIdParam(): number | null {
  const raw = useParams().id ?? '';
  if (!/^\d{1,10}$/.test(raw)) return null;
  const id = Number(raw);
  return id >= 1 && id <= MAX_ID ? id : null;
}
