import { closeSync, mkdirSync, openSync, statSync, utimesSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Ports below Linux's ephemeral range (32768 and up): a port taken with `listen(0)`, or
 * by the OS for an outgoing connection, comes from that range, so a port chosen here and
 * listened on a few seconds later is not taken in between by another test's socket.
 */
const FIRST = 20_000;
const LAST = 32_000;

/**
 * Ports handed out, one empty file each, shared by every test worker (and every test run)
 * on this machine: a port is free when checked, but a child process binds it only seconds
 * later, or binds it again after a restart, and in between another worker must not be
 * given it. A claim older than CLAIM_MS is stale (longer than any test file holds a port)
 * and may be taken again.
 */
const CLAIMS_DIR = join(tmpdir(), 'shop-test-ports');
const CLAIM_MS = 10 * 60 * 1000;

/** A port free right now on 127.0.0.1, for a server a test starts in another process. */
export async function freePort(): Promise<number> {
  mkdirSync(CLAIMS_DIR, { recursive: true });
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = FIRST + Math.floor(Math.random() * (LAST - FIRST));
    if (claim(port) && (await isFree(port))) return port;
  }
  throw new Error(`no free port between ${FIRST} and ${LAST}`);
}

/** Takes `port` for this caller unless another took it within CLAIM_MS. */
function claim(port: number): boolean {
  const file = join(CLAIMS_DIR, String(port));
  try {
    closeSync(openSync(file, 'wx'));
    return true;
  } catch {
    try {
      if (Date.now() - statSync(file).mtimeMs < CLAIM_MS) return false;
      const now = new Date();
      utimesSync(file, now, now);
      return true;
    } catch {
      return false;
    }
  }
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
