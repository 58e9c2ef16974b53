import { expect } from 'vitest';

/** What an inject() response offers: enough to check a problem. */
interface InjectedResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
  json(): unknown;
}

export interface ProblemFieldError extends Record<string, unknown> {
  field: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: ProblemFieldError[];
}

/** What a problem must never show: a stack frame, a module path, SQL, a driver's error code. */
const LEAKS = /\bat .+\.(ts|js):\d+|node_modules|select "|select \*|insert into |update "|update account|ECONNREFUSED/i;

/** Asserts an RFC 9457 problem with `status` that leaks nothing, and returns its body. */
export function expectProblem(response: InjectedResponse, status: number): ProblemBody {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = response.json() as ProblemBody;
  expect(body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  expect(typeof body.detail).toBe('string');
  expect(response.body).not.toMatch(LEAKS);
  return body;
}
