import { compile } from '@fastify/proxy-addr';
import { Type } from 'typebox';
import { ConfigError } from '../config.ts';

/**
 * Which proxies may tell a server who the client is (X-Forwarded-For, -Proto, -Host):
 * none, the last `n` hops, or the listed addresses and subnets (Fastify's `trustProxy`).
 * Never "everyone": then any client could pick its own address, and with it its rate-limit key.
 */
export type TrustedProxies = false | number | string[];

export const trustProxyField = {
  TRUST_PROXY: Type.String({
    default: 'false',
    description:
      'Proxies whose X-Forwarded-For names the client: false (none), a number of hops (1: the one proxy in front), or their comma-separated addresses or subnets (10.0.0.0/8, loopback).',
  }),
};

/** Reads TRUST_PROXY; an unsafe or malformed value stops the service with a message saying why. */
export function parseTrustedProxies(value: string, variable = 'TRUST_PROXY'): TrustedProxies {
  const setting = value.trim().toLowerCase();
  if (setting === '' || setting === 'false' || setting === '0') return false;
  if (setting === 'true') {
    throw new ConfigError(
      `${variable}=true would take the client's address from any client's own X-Forwarded-For. Give the number of proxies in front (e.g. 1) or their addresses (e.g. 10.0.0.0/8 or loopback).`,
    );
  }
  if (/^\d+$/.test(setting)) {
    const hops = Number(setting);
    if (hops > 16) throw new ConfigError(`${variable} must be at most 16 hops (got ${hops}).`);
    return hops;
  }
  const addresses = setting
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  try {
    compile(addresses);
  } catch (error) {
    throw new ConfigError(`${variable} is not a list of addresses or subnets: ${(error as Error).message}`);
  }
  return addresses;
}
