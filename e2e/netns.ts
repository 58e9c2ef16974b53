/**
 * A private network of Linux network namespaces, each one a host of its own, for the
 * several-hosts test. The hosts sit on one switch (a bridge in a namespace of its own),
 * each through a veth pair; the machine joins the switch through one more veth pair and
 * has the first address. The switch lives in a namespace so that the machine's own
 * firewall (br_netfilter, a FORWARD policy of DROP) never sees the hosts' traffic, and
 * no setting of the machine (ip_forward) has to change.
 *
 *   machine <prefix>0 (veth, x.x.x.1) ── uplink ─┐
 *   <prefix>-<host>: eth0 (veth, x.x.x.N) ── pN ─┴─ br0 in <prefix>-switch
 *
 * Every name starts with the prefix, so a crashed run's leftovers can be found and removed.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * iproute2's `ip` as root: directly when this process is root (as `.ci/run` runs), else
 * through passwordless `sudo`, keeping the environment (a CI runner's user).
 */
export const IP_COMMAND: readonly [string, ...string[]] =
  process.getuid?.() === 0 ? ['ip'] : ['sudo', '-n', '-E', 'ip'];

/** Runs iproute2's `ip`; rejects with what it printed on stderr. */
export async function ip(...args: string[]): Promise<string> {
  try {
    return (await run(IP_COMMAND[0], [...IP_COMMAND.slice(1), ...args], { timeout: 10_000 })).stdout;
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`ip ${args.join(' ')}: ${stderr?.trim() || message}`);
  }
}

/** Whether this process may make network namespaces (root, iproute2); the reason when not. */
export async function netnsAvailable(prefix: string): Promise<{ ok: boolean; reason?: string }> {
  const probe = `${prefix}-probe`;
  try {
    await ip('netns', 'add', probe);
    await ip('netns', 'del', probe);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

export interface PrivateNetwork {
  /** The machine's own address on the network: where it serves the hosts (the forwarders). */
  hostAddress: string;
  address(host: string): string;
  namespace(host: string): string;
  /**
   * Takes a host's link down at the switch, as a pulled cable: its packets go nowhere
   * and nothing answers for it, neither a refusal nor a reset.
   */
  cut(host: string): Promise<void>;
  /** Plugs the cable back in. */
  restore(host: string): Promise<void>;
  /** Removes every namespace and veth of the network. */
  remove(): Promise<void>;
}

/**
 * Makes the network: `hosts` get `<subnet>.11`, `.12`, … in the order given, the machine
 * `<subnet>.1`, all in `<subnet>.0/24`. Each host's loopback is up (a process may use it),
 * and nothing else is configured in a host: no route out, no DNS.
 */
export async function createNetwork(options: {
  prefix: string;
  subnet: string;
  hosts: readonly string[];
}): Promise<PrivateNetwork> {
  const { prefix, subnet, hosts } = options;
  const switchNs = `${prefix}-switch`;
  const uplink = `${prefix}0`;
  const hostAddress = `${subnet}.1`;
  const index = (host: string) => {
    const at = hosts.indexOf(host);
    if (at < 0) throw new Error(`${host} is not a host of this network`);
    return at;
  };
  const network: PrivateNetwork = {
    hostAddress,
    address: (host) => `${subnet}.${11 + index(host)}`,
    namespace: (host) => `${prefix}-${hosts[index(host)]}`,
    cut: async (host) => {
      await ip('-n', switchNs, 'link', 'set', `p${index(host)}`, 'down');
    },
    restore: async (host) => {
      await ip('-n', switchNs, 'link', 'set', `p${index(host)}`, 'up');
    },
    remove: () => removeNetworks(prefix),
  };
  try {
    await ip('netns', 'add', switchNs);
    await ip('-n', switchNs, 'link', 'add', 'br0', 'type', 'bridge');
    await ip('-n', switchNs, 'link', 'set', 'br0', 'up');
    await ip('link', 'add', uplink, 'type', 'veth', 'peer', 'name', 'uplink', 'netns', switchNs);
    await ip('-n', switchNs, 'link', 'set', 'uplink', 'master', 'br0', 'up');
    await ip('addr', 'add', `${hostAddress}/24`, 'dev', uplink);
    await ip('link', 'set', uplink, 'up');
    for (const host of hosts) {
      const namespace = network.namespace(host);
      const port = `p${index(host)}`;
      await ip('netns', 'add', namespace);
      await ip('-n', namespace, 'link', 'set', 'lo', 'up');
      await ip('-n', switchNs, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', namespace);
      await ip('-n', switchNs, 'link', 'set', port, 'master', 'br0', 'up');
      await ip('-n', namespace, 'addr', 'add', `${network.address(host)}/24`, 'dev', 'eth0');
      await ip('-n', namespace, 'link', 'set', 'eth0', 'up');
    }
  } catch (error) {
    await network.remove().catch(() => {});
    throw error;
  }
  return network;
}

/**
 * Removes every network namespace named `<prefix>-…` and the machine's `<prefix>0`
 * veth, with whatever a crashed run left running inside them (a namespace outlives its
 * name while a process is in it).
 */
export async function removeNetworks(prefix: string): Promise<void> {
  // First, and explicitly: a namespace is torn down in the background after `netns del`,
  // and the machine's end of its veth with it, so the name might still be taken for the next run.
  await ip('link', 'del', `${prefix}0`).catch(() => {});
  const listed = (await ip('-j', 'netns', 'list')).trim();
  const names = (listed ? (JSON.parse(listed) as Array<{ name: string }>) : []).map((entry) => entry.name);
  for (const name of names.filter((candidate) => candidate.startsWith(`${prefix}-`))) {
    for (const pid of (await ip('netns', 'pids', name)).split(/\s+/).filter(Boolean)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await ip('netns', 'del', name);
  }
}

/**
 * Fails when the machine already has an address or a route (other than the default
 * one) inside `<subnet>.0/24`: the test's network would shadow it, or be shadowed.
 */
export async function expectSubnetFree(subnet: string): Promise<void> {
  const ours = toRange(`${subnet}.0/24`);
  const routes = JSON.parse(await ip('-j', '-4', 'route', 'show', 'table', 'all')) as Array<{
    dst: string;
    dev?: string;
  }>;
  const addresses = JSON.parse(await ip('-j', '-4', 'addr', 'show')) as Array<{
    ifname: string;
    addr_info: Array<{ local: string; prefixlen: number }>;
  }>;
  const taken = [
    ...routes
      .filter((route) => route.dst !== 'default' && overlaps(toRange(route.dst), ours))
      .map((route) => `route ${route.dst} dev ${route.dev ?? '?'}`),
    ...addresses.flatMap((link) =>
      link.addr_info
        .filter((info) => overlaps(toRange(`${info.local}/${info.prefixlen}`), ours))
        .map((info) => `address ${info.local}/${info.prefixlen} on ${link.ifname}`),
    ),
  ];
  if (taken.length > 0) throw new Error(`${subnet}.0/24 is in use on this machine: ${taken.join('; ')}`);
}

/**
 * Fails unless packets for `address` leave through a veth: not the loopback (the address
 * is not a local one), not the machine's uplink. `namespace`: as seen from that namespace.
 */
export async function expectVethRoute(address: string, namespace?: string): Promise<void> {
  const where = namespace ? ['-n', namespace] : [];
  const [route] = JSON.parse(await ip(...where, '-j', 'route', 'get', address)) as Array<{
    dev: string;
    type?: string;
  }>;
  const [link] = JSON.parse(await ip(...where, '-j', '-d', 'link', 'show', 'dev', route?.dev ?? 'lo')) as Array<{
    linkinfo?: { info_kind?: string };
  }>;
  const kind = link?.linkinfo?.info_kind;
  if (kind !== 'veth') {
    throw new Error(
      `${address} is routed through ${route?.dev} (${kind ?? 'not a veth'})${namespace ? ` in ${namespace}` : ''}`,
    );
  }
}

function toRange(cidr: string): [number, number] {
  const [base = '', bits = '32'] = cidr.split('/');
  const value = base.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(bits));
  const start = value - (value % size);
  return [start, start + size - 1];
}

function overlaps(a: [number, number], b: [number, number]): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}
