/**
 * deploy/prometheus: the scrape configurations, the alert rules with their unit tests and
 * the dashboard's queries, checked by promtool, then loaded into Debian's Prometheus
 * scraping a running shop, where every alert and every dashboard query must evaluate and
 * find its series.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeConfig } from '@shop/platform';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parse, stringify } from 'yaml';
import { type RunningStack, SERVICES, shopPorts, startStackOn } from '../../e2e/stack.ts';
import { CONFIG_SCHEMAS } from '../config-schemas.ts';
import { metricNames, promtool, type RunningPrometheus, startPrometheus } from './prometheus.ts';
import { toolAvailable } from './tools.ts';

const DIR = fileURLToPath(new URL('../../deploy/prometheus/', import.meta.url));
const FILES = ['prometheus.yml', 'prometheus-kubernetes.yml', 'alerts.yml', 'alerts.test.yml', 'dashboard-queries.yml'];

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
interface ScrapeConfig {
  job_name: string;
  static_configs?: Array<{ targets: string[] }>;
  kubernetes_sd_configs?: unknown[];
  relabel_configs?: unknown[];
  [key: string]: unknown;
}
interface PrometheusConfig {
  global: Record<string, string>;
  rule_files: string[];
  scrape_configs: ScrapeConfig[];
}
interface Panel {
  title: string;
  unit: string;
  expr: string;
}

const read = <T>(name: string): T => parse(readFileSync(join(DIR, name), 'utf8')) as T;
const rules = () => read<{ groups: Array<{ rules: Rule[] }> }>('alerts.yml').groups.flatMap((group) => group.rules);
const panels = () => read<{ panels: Panel[] }>('dashboard-queries.yml').panels;
const shopJob = (config: PrometheusConfig) => config.scrape_configs.find((job) => job.job_name === 'shop');

/** A copy of deploy/prometheus in a temporary folder, for promtool runs on a changed file. */
function copyOfFiles(): { dir: string; write(name: string, text: string): void; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'shop-prometheus-'));
  for (const name of FILES) cpSync(join(DIR, name), join(dir, name));
  return {
    dir,
    write: (name, text) => writeFileSync(join(dir, name), text),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Each service's default port for /metrics: its PORT, the gateway's METRICS_PORT. */
function metricsPorts(): Record<string, string> {
  const ports: Record<string, string> = {};
  for (const [service, schema] of Object.entries(CONFIG_SCHEMAS)) {
    const fields = describeConfig(schema);
    const field = fields.find((entry) => entry.name === (service === 'gateway' ? 'METRICS_PORT' : 'PORT'));
    ports[service] = field?.default ?? '';
  }
  return ports;
}

/** The Kubernetes job with its pod discovery swapped for a file of the same pods' labels (Debian's build has no Kubernetes discovery). */
function kubernetesJobOverFile(job: ScrapeConfig, podsFile: string): ScrapeConfig {
  const { kubernetes_sd_configs: _discovery, ...rest } = job;
  return { ...rest, file_sd_configs: [{ files: [podsFile], refresh_interval: '1s' }] };
}

const hasPromtool = toolAvailable('promtool');
const hasPrometheus = toolAvailable('prometheus');

describe.skipIf(!hasPromtool)('deploy/prometheus checked by promtool', () => {
  it('when prometheus.yml is checked, then it is valid with its rule file, and scrapes every service on its metrics port by its Compose name', async () => {
    const checked = await promtool(['check', 'config', 'prometheus.yml'], DIR);
    expect(checked.output).toContain('SUCCESS: prometheus.yml is valid');
    expect(checked.code).toBe(0);

    const config = read<PrometheusConfig>('prometheus.yml');
    const targets = shopJob(config)?.static_configs?.flatMap((group) => group.targets) ?? [];
    const ports = metricsPorts();
    expect(targets.sort()).toEqual(SERVICES.map((service) => `${service}:${ports[service]}`).sort());
    expect(targets).toContain('gateway:9080');
  });

  it('when prometheus-kubernetes.yml is checked (its pod discovery swapped for a file), then its relabelling and rules are valid', async () => {
    const files = copyOfFiles();
    try {
      const config = read<PrometheusConfig>('prometheus-kubernetes.yml');
      const job = shopJob(config);
      expect(job?.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['shop'] } }]);
      writeFileSync(join(files.dir, 'pods.json'), '[]');
      const swapped = { ...config, scrape_configs: [kubernetesJobOverFile(job as ScrapeConfig, 'pods.json')] };
      files.write('prometheus-kubernetes.yml', stringify(swapped));
      const checked = await promtool(['check', 'config', 'prometheus-kubernetes.yml'], files.dir);
      expect(checked.output).toContain('is valid prometheus config file syntax');
      expect(checked.code).toBe(0);
    } finally {
      files.remove();
    }
  });

  it('when a scrape configuration is broken, then promtool check config fails', async () => {
    const files = copyOfFiles();
    try {
      files.write(
        'prometheus.yml',
        readFileSync(join(DIR, 'prometheus.yml'), 'utf8').replace('15s', 'every now and then'),
      );
      const checked = await promtool(['check', 'config', 'prometheus.yml'], files.dir);
      expect(checked.code).not.toBe(0);
      expect(checked.output).toContain('FAILED');
    } finally {
      files.remove();
    }
  });

  it('when alerts.yml is checked, then every rule is valid, has a severity (page or ticket) and says what is wrong', async () => {
    const checked = await promtool(['check', 'rules', 'alerts.yml'], DIR);
    expect(checked.code, checked.output).toBe(0);
    expect(checked.output).toContain(`SUCCESS: ${rules().length} rules found`);
    expect(rules().map((rule) => rule.alert)).toEqual([
      'ShopTargetDown',
      'OutboxStuck',
      'EmailsFailing',
      'MessagesDeadLettered',
      'HighErrorRate',
      'HighLatencyP99',
    ]);
    for (const rule of rules()) {
      expect(['page', 'ticket'], rule.alert).toContain(rule.labels.severity);
      expect(rule.annotations.summary, rule.alert).toBeTruthy();
      expect(rule.annotations.description, rule.alert).toBeTruthy();
    }
  });

  it('when a rule file holds a broken expression, then promtool check rules fails', async () => {
    const files = copyOfFiles();
    try {
      files.write(
        'alerts.yml',
        readFileSync(join(DIR, 'alerts.yml'), 'utf8').replace('histogram_quantile(0.99,', 'histogram_quantile(0.99,,'),
      );
      const checked = await promtool(['check', 'rules', 'alerts.yml'], files.dir);
      expect(checked.code).not.toBe(0);
      expect(checked.output).toMatch(/FAILED|error/);
    } finally {
      files.remove();
    }
  });

  it('when the alerts’ unit tests run, then they pass, and each alert is shown both firing and quiet', async () => {
    const tested = await promtool(['test', 'rules', 'alerts.test.yml'], DIR);
    expect(tested.output).toContain('SUCCESS');
    expect(tested.code).toBe(0);

    const cases = read<{ tests: Array<{ alert_rule_test: Array<{ alertname: string; exp_alerts: unknown[] }> }> }>(
      'alerts.test.yml',
    ).tests.flatMap((test) => test.alert_rule_test);
    for (const { alert } of rules()) {
      const mine = cases.filter((test) => test.alertname === alert);
      expect(
        mine.some((test) => test.exp_alerts.length > 0),
        `${alert} firing`,
      ).toBe(true);
      expect(
        mine.some((test) => test.exp_alerts.length === 0),
        `${alert} quiet`,
      ).toBe(true);
    }
  });

  it('when an alert’s threshold is changed, then its unit test fails', async () => {
    const files = copyOfFiles();
    try {
      const alerts = readFileSync(join(DIR, 'alerts.yml'), 'utf8');
      expect(alerts).toContain('outbox_oldest_unpublished_age_seconds) > 5 * 60');
      files.write(
        'alerts.yml',
        alerts.replace(
          'outbox_oldest_unpublished_age_seconds) > 5 * 60',
          'outbox_oldest_unpublished_age_seconds) > 15 * 60',
        ),
      );
      const tested = await promtool(['test', 'rules', 'alerts.test.yml'], files.dir);
      expect(tested.code).not.toBe(0);
      expect(tested.output).toContain('alertname: OutboxStuck');
    } finally {
      files.remove();
    }
  });

  it('when the dashboard’s queries are checked as recording rules, then each is valid PromQL, and a broken one is caught', async () => {
    const files = copyOfFiles();
    try {
      const asRules = (exprs: string[]) =>
        stringify({
          groups: [{ name: 'dashboard', rules: exprs.map((expr, i) => ({ record: `dashboard:panel_${i}`, expr })) }],
        });
      const exprs = panels().map((panel) => panel.expr);
      expect(exprs.length).toBeGreaterThan(10);
      files.write('dashboard-rules.yml', asRules(exprs));
      const checked = await promtool(['check', 'rules', 'dashboard-rules.yml'], files.dir);
      expect(checked.code, checked.output).toBe(0);
      expect(checked.output).toContain(`SUCCESS: ${exprs.length} rules found`);

      files.write('dashboard-rules.yml', asRules([...exprs, 'sum by (service) (rate(orders_placed_total[5m])']));
      expect((await promtool(['check', 'rules', 'dashboard-rules.yml'], files.dir)).code).not.toBe(0);
    } finally {
      files.remove();
    }
  });
});

describe.skipIf(!hasPrometheus)('Prometheus scraping a running shop', () => {
  let stack: RunningStack;
  let prometheus: RunningPrometheus;
  let dataDir: string;
  let workDir: string;
  let orderPort: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'shop-prometheus-stack-'));
    workDir = mkdtempSync(join(tmpdir(), 'shop-prometheus-server-'));
    const shop = await shopPorts();
    stack = await startStackOn(shop, {
      DATA_DIR: dataDir,
      DATABASE_URL: '',
      AMQP_URL: '',
      REDIS_URL: '',
      DEMO_CATALOG: 'false',
    });
    const hostPort = (service: string): string =>
      service === 'gateway'
        ? `127.0.0.1:${shop.env.GATEWAY_METRICS_PORT}`
        : new URL(shop.urls[service as (typeof SERVICES)[number]]).host;
    orderPort = new URL(stack.urls.order).port;

    // prometheus.yml as it is, its Compose names pointed at this shop's loopback ports and
    // scraped every second; beside it, prometheus-kubernetes.yml's relabelling over pods
    // described in a file: the order service's, and two it must not scrape.
    const compose = read<PrometheusConfig>('prometheus.yml');
    const job = shopJob(compose) as ScrapeConfig;
    const kubernetes = shopJob(read<PrometheusConfig>('prometheus-kubernetes.yml')) as ScrapeConfig;
    const pod = (name: string, containerPort: number, annotations: Record<string, string>, phase = 'Running') => ({
      targets: [`127.0.0.1:${containerPort}`],
      labels: {
        __meta_kubernetes_namespace: 'shop',
        __meta_kubernetes_pod_name: name,
        __meta_kubernetes_pod_ip: '127.0.0.1',
        __meta_kubernetes_pod_phase: phase,
        ...Object.fromEntries(
          Object.entries(annotations).map(([key, value]) => [
            `__meta_kubernetes_pod_annotation_${key.replace(/[^a-zA-Z0-9]/g, '_')}`,
            value,
          ]),
        ),
      },
    });
    const scraped = {
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': orderPort,
      'prometheus.io/path': '/metrics',
    };
    writeFileSync(
      join(workDir, 'pods.json'),
      JSON.stringify([
        // One target per container port, as Kubernetes discovery yields them: one scrape.
        pod('order-7c9f-a1', 8005, scraped),
        pod('order-7c9f-a1', 8006, scraped),
        pod('order-7c9f-b2', 8005, scraped, 'Pending'),
        pod('postgres-0', 5432, { 'prometheus.io/scrape': 'false', 'prometheus.io/port': '5432' }),
      ]),
    );
    prometheus = await startPrometheus(
      {
        ...compose,
        global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
        rule_files: [join(DIR, 'alerts.yml')],
        scrape_configs: [
          {
            ...job,
            static_configs: (job.static_configs ?? []).map((group) => ({
              targets: group.targets.map((target) => hostPort(target.split(':')[0] as string)),
            })),
          },
          { ...kubernetesJobOverFile(kubernetes, join(workDir, 'pods.json')), job_name: 'shop-kubernetes' },
        ],
      },
      workDir,
    );
  }, 180_000);

  afterAll(async () => {
    await prometheus?.stop();
    const code = await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
    expect(code).toBe(0);
  }, 60_000);

  interface Target {
    labels: Record<string, string>;
    scrapeUrl: string;
    health: string;
    lastError: string;
  }
  const activeTargets = async (job: string) =>
    (await prometheus.api<{ activeTargets: Target[] }>('targets', { state: 'active' })).activeTargets.filter(
      (target) => target.labels.job === job,
    );

  it('when Prometheus scrapes the shop, then every service’s target is up, the gateway’s on its management port', async () => {
    await vi.waitFor(
      async () => {
        const targets = await activeTargets('shop');
        expect(targets).toHaveLength(SERVICES.length);
        for (const target of targets) expect(target.health, `${target.scrapeUrl}: ${target.lastError}`).toBe('up');
      },
      { timeout: 30_000, interval: 250 },
    );
    // Each target is the service it claims: its series carry the name it set itself.
    const services = await prometheus.query('count by (service) (process_cpu_seconds_total{job="shop"})');
    expect(services.data?.result.map((sample) => sample.metric.service).sort()).toEqual([...SERVICES].sort());
  });

  it('when pods are discovered, then only the running pod that asks is scraped, once, at its annotated port, named by pod and namespace', async () => {
    await vi.waitFor(
      async () => {
        const targets = await activeTargets('shop-kubernetes');
        expect(targets.map((target) => target.scrapeUrl)).toEqual([`http://127.0.0.1:${orderPort}/metrics`]);
        expect(targets[0]?.labels).toMatchObject({ pod: 'order-7c9f-a1', namespace: 'shop' });
        expect(targets[0]?.health, targets[0]?.lastError).toBe('up');
      },
      { timeout: 30_000, interval: 250 },
    );
  });

  describe('after an order', () => {
    beforeAll(async () => {
      await vi.waitFor(
        async () => expect((await prometheus.query('up{job="shop"} == 1')).data?.result).toHaveLength(SERVICES.length),
        {
          timeout: 30_000,
          interval: 250,
        },
      );
      await placeAnOrder(stack.urls.gateway);
      // Prometheus has seen the order and the confirmation e-mail in two scrapes at least.
      await vi.waitFor(
        async () => {
          for (const expr of [
            'sum(increase(orders_placed_total[5m])) > 0',
            'sum(increase(emails_sent_total[5m])) > 0',
          ]) {
            expect((await prometheus.query(expr)).data?.result, expr).toHaveLength(1);
          }
        },
        { timeout: 30_000, interval: 250 },
      );
    }, 60_000);

    it('when every alert expression is evaluated, then none errs and every series it reads exists', async () => {
      for (const rule of rules()) {
        const answer = await prometheus.query(rule.expr);
        expect(answer.status, `${rule.alert}: ${answer.error}`).toBe('success');
        for (const name of metricNames(rule.expr)) {
          const series = await prometheus.query(`count({__name__="${name}"})`);
          expect(series.data?.result, `${rule.alert} reads ${name}`).toHaveLength(1);
        }
      }
    });

    it('when Prometheus evaluates the loaded rules, then every rule is healthy and a healthy shop has no target down and no stuck outbox', async () => {
      await vi.waitFor(
        async () => {
          const { groups } = await prometheus.api<{
            groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string; state: string }> }>;
          }>('rules');
          const loaded = groups.flatMap((group) => group.rules);
          expect(loaded.map((rule) => rule.name).sort()).toEqual(
            rules()
              .map((rule) => rule.alert)
              .sort(),
          );
          for (const rule of loaded) expect(rule.health, `${rule.name}: ${rule.lastError}`).toBe('ok');
          for (const name of ['ShopTargetDown', 'OutboxStuck', 'EmailsFailing', 'MessagesDeadLettered']) {
            expect(loaded.find((rule) => rule.name === name)?.state, name).toBe('inactive');
          }
        },
        { timeout: 15_000, interval: 250 },
      );
    });

    it('when every dashboard query is evaluated, then each answers with series', async () => {
      // A scrape that misses its 1 s timeout on a busy machine leaves a gap: a panel over
      // increase() or rate() needs two samples in its window, so each gets a few seconds.
      for (const panel of panels()) {
        await vi.waitFor(
          async () => {
            const answer = await prometheus.query(panel.expr);
            expect(answer.status, `${panel.title}: ${answer.error}`).toBe('success');
            expect(answer.data?.result.length, `${panel.title}: ${panel.expr}`).toBeGreaterThan(0);
          },
          { timeout: 20_000, interval: 500 },
        );
      }
      const value = async (title: string) => {
        const expr = panels().find((panel) => panel.title === title)?.expr ?? '';
        return Number((await prometheus.query(expr)).data?.result[0]?.value[1]);
      };
      expect(await value('Orders placed, last 24 hours')).toBeGreaterThanOrEqual(1);
      expect(await value('E-mails sent per minute')).toBeGreaterThan(0);
      // Every service's series, not just some: a rate() over a target whose scrape missed
      // has no value yet, so the full set also gets a few seconds.
      const labels = async (titleStart: string, label: string) => {
        const expr = panels().find((panel) => panel.title.startsWith(titleStart))?.expr ?? '';
        return ((await prometheus.query(expr)).data?.result ?? []).map((sample) => sample.metric[label]).sort();
      };
      await vi.waitFor(
        async () => {
          expect(await labels('Outbox rows', 'service')).toEqual(['account', 'order', 'product']);
          expect(await labels('Handler retries', 'queue')).toEqual([
            'analytics',
            'cart',
            'notification',
            'notification.email',
            'product',
          ]);
        },
        { timeout: 20_000, interval: 500 },
      );
    }, 60_000);
  });
});

/**
 * Through the gateway: the admin stocks a product, a customer registers (a welcome
 * e-mail) and orders it (orders_placed_total, a confirmation e-mail).
 */
async function placeAnOrder(gateway: string): Promise<void> {
  const run = randomBytes(3).toString('hex');
  const call = async (method: string, path: string, token: string | null, body?: unknown) => {
    const response = await fetch(`${gateway}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json', 'idempotency-key': `metrics-${run}` }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  const login = async (username: string, password: string) => {
    const response = await fetch(`${gateway}/api/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', username, password }),
    });
    if (!response.ok) throw new Error(`token for ${username}: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { access_token: string }).access_token;
  };
  const admin = await login('admin@example.com', 'admin12345');
  const category = await call('POST', '/api/categories', admin, { name: `Metrics ${run}` });
  const product = await call('POST', '/api/products', admin, {
    name: `Gauge ${run}`,
    description: 'Measures things',
    price_cents: 1200,
    stock: 5,
    category_id: category.id,
  });
  const email = `metrics-${run}@example.com`;
  await call('POST', '/api/auth/register', null, { email, name: 'Metrics', password: 'metrics-password' });
  const customer = await login(email, 'metrics-password');
  await call('POST', '/api/orders', customer, { items: [{ product_id: product.id, quantity: 1 }] });
}
