import { isDeepStrictEqual } from 'node:util';

/** The parts of an OpenAPI 3.1 document the merge reads and writes. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers?: Array<{ url: string }>;
  tags?: Array<{ name: string; description?: string }>;
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  [key: string]: unknown;
}

export interface ServiceDocument {
  service: string;
  /** The service's own document, or why it could not be had. */
  document?: OpenApiDocument;
  error?: string;
}

export interface MergeOptions {
  title: string;
  version: string;
  description: string;
  publicUrl: string;
  /** Whether the gateway routes `path` to `service`; any other path is left out. */
  routes: (path: string, service: string) => boolean;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/**
 * One OpenAPI document from every service's: only the paths the gateway routes to that
 * service, each operation tagged with the service, components merged (a name two services
 * use for different things is renamed `<service>.<name>` in the second, its $refs with
 * it), and the gateway as the one server. Services that could not be read are named in
 * info.description instead of failing the whole document.
 */
export function mergeOpenApi(services: ReadonlyArray<ServiceDocument>, options: MergeOptions): OpenApiDocument {
  const merged: OpenApiDocument = {
    openapi: '3.1.0',
    info: { title: options.title, version: options.version, description: options.description },
    servers: [{ url: options.publicUrl.replace(/\/+$/, '') }],
    tags: [],
    paths: {},
    components: {},
  };
  const operationIds = new Set<string>();
  const missing: string[] = [];
  for (const { service, document, error } of services) {
    if (!document) {
      missing.push(`- ${service}: not included (${error ?? 'no document'}).`);
      continue;
    }
    const renames = mergeComponents(merged, document, service);
    const rewrite = <T>(value: T): T => rewriteRefs(value, renames);
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      if (!options.routes(path, service) || merged.paths?.[path]) continue;
      const copy = rewrite(item);
      for (const [method, operation] of Object.entries(copy)) {
        if (!HTTP_METHODS.has(method) || !operation || typeof operation !== 'object') continue;
        const op = operation as { tags?: string[]; operationId?: string; security?: Array<Record<string, unknown>> };
        op.tags = [service];
        if (op.security) op.security = op.security.map((requirement) => renameSchemes(requirement, renames));
        if (op.operationId) {
          if (operationIds.has(op.operationId)) op.operationId = `${service}.${op.operationId}`;
          operationIds.add(op.operationId);
        }
      }
      (merged.paths as Record<string, unknown>)[path] = copy;
    }
    merged.tags?.push({ name: service, description: document.info?.description ?? '' });
  }
  if (missing.length > 0) {
    merged.info.description = [options.description, '', 'Services whose operations are missing:', ...missing].join(
      '\n',
    );
  }
  return merged;
}

type Renames = Map<string, string>;

/**
 * Adds `document`'s components to `merged`, reusing an equal one of the same name and
 * renaming one that differs. Returns the $ref renames to apply to the document.
 * Equality is judged after renaming, so a schema that points at a renamed one is renamed too.
 */
function mergeComponents(merged: OpenApiDocument, document: OpenApiDocument, service: string): Renames {
  const target = merged.components as Record<string, Record<string, unknown>>;
  const source = document.components ?? {};
  const renames: Renames = new Map();
  let changed = true;
  while (changed) {
    changed = false;
    for (const [section, entries] of Object.entries(source)) {
      for (const [name, value] of Object.entries(entries ?? {})) {
        const ref = refFor(section, name);
        if (renames.has(ref)) continue;
        const existing = target[section]?.[name];
        if (existing !== undefined && !isDeepStrictEqual(existing, rewriteRefs(value, renames))) {
          renames.set(
            ref,
            refFor(section, freeName(target[section] ?? {}, source[section] ?? {}, `${service}.${name}`)),
          );
          changed = true;
        }
      }
    }
  }
  for (const [section, entries] of Object.entries(source)) {
    target[section] ??= {};
    for (const [name, value] of Object.entries(entries ?? {})) {
      const finalName = (renames.get(refFor(section, name)) ?? refFor(section, name)).split('/').pop() as string;
      target[section][finalName] ??= rewriteRefs(value, renames);
    }
  }
  return renames;
}

/** Security requirements name their scheme instead of referring to it: follow its rename. */
function renameSchemes(requirement: Record<string, unknown>, renames: Renames): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(requirement).map(([name, scopes]) => [
      (renames.get(refFor('securitySchemes', name)) ?? name).split('/').pop() as string,
      scopes,
    ]),
  );
}

function refFor(section: string, name: string): string {
  return `#/components/${section}/${name}`;
}

function freeName(taken: Record<string, unknown>, own: Record<string, unknown>, wanted: string): string {
  let name = wanted;
  for (let n = 2; name in taken || name in own; n += 1) name = `${wanted}${n}`;
  return name;
}

/** A deep copy of `value` with every `$ref` in `renames` replaced. */
function rewriteRefs<T>(value: T, renames: Renames): T {
  if (Array.isArray(value)) return value.map((item) => rewriteRefs(item, renames)) as T;
  if (!value || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    copy[key] =
      key === '$ref' && typeof inner === 'string' ? (renames.get(inner) ?? inner) : rewriteRefs(inner, renames);
  }
  return copy as T;
}
