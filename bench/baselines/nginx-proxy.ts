/**
 * Baseline for the `gateway` scenario: Debian's nginx as a bare reverse proxy, the thing
 * a user would otherwise put in front of the services. Its configuration is generated
 * for one run: a loopback port, no access log, one worker (the gateway is one process
 * too; CPU per request is summed over the master and its worker either way), and a
 * keep-alive pool to each upstream, routing the gateway's paths to the same services.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where nginx lives on Debian (package `nginx`). */
export const NGINX = '/usr/sbin/nginx';

export function hasNginx(): boolean {
  return existsSync(NGINX) && spawnSync(NGINX, ['-v']).status === 0;
}

export interface NginxRoute {
  /** A path prefix, such as /api/cart. */
  prefix: string;
  /** The service's base URL, such as http://127.0.0.1:8007. */
  upstream: string;
}

/**
 * Writes nginx.conf into `dir` (with its temp folders, pid file and error log) and returns
 * the command line that runs it in the foreground: `nginx -p dir -c dir/nginx.conf`.
 */
export function nginxConfig(dir: string, port: number, routes: NginxRoute[]): string[] {
  for (const temp of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
    mkdirSync(join(dir, temp), { recursive: true });
  const upstreams = [...new Set(routes.map((route) => route.upstream))];
  const name = (upstream: string) => `upstream_${upstreams.indexOf(upstream)}`;
  const blocks = upstreams.map(
    (upstream) => `  upstream ${name(upstream)} {
    server ${new URL(upstream).host};
    keepalive 64;
  }`,
  );
  // Longest prefix first is nginx's own rule for prefix locations; order does not matter.
  const locations = routes.map(
    (route) => `    location ${route.prefix} {
      proxy_pass http://${name(route.upstream)};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
    }`,
  );
  const config = `daemon off;
master_process on;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events {
  worker_connections 1024;
}
http {
  access_log off;
  client_body_temp_path ${join(dir, 'client_body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  keepalive_requests 100000;
${blocks.join('\n')}
  server {
    listen 127.0.0.1:${port};
${locations.join('\n')}
  }
}
`;
  const file = join(dir, 'nginx.conf');
  writeFileSync(file, config);
  return ['-p', dir, '-c', file];
}
