import { ApiError, describeError } from '../../api/problem';
import { describeWait } from '../common/wait';

export interface FormProblem {
  /** Above the form, announced: what went wrong. */
  message: string;
  fields: Record<string, string>;
}

/**
 * What a failed sign-in or sign-up says: the server's words above the form, its per-field
 * messages by their fields too, and for a 429 how long to wait (the server's Retry-After).
 */
export function formProblem(error: unknown, fieldNames: readonly string[]): FormProblem {
  if (!(error instanceof ApiError)) return { message: describeError(error), fields: {} };
  if (error.status === 429) {
    const wait = error.retryAfterSeconds;
    const said = error.problem.detail?.replace(/\s*Try again later\.?$/i, '') || 'Too many attempts.';
    return {
      message: wait ? `${said} Try again in ${describeWait(wait)}.` : describeError(error),
      fields: {},
    };
  }
  const fields: Record<string, string> = {};
  for (const [field, message] of Object.entries(error.fieldErrors())) {
    if (fieldNames.includes(field)) fields[field] = sentence(message);
  }
  return { message: describeError(error), fields };
}

function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
