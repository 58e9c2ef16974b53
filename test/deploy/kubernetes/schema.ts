/**
 * Rendered objects against the Kubernetes API schemas of `kubernetes-models`: each kind's
 * model validates types, required fields and formats. It does not refuse a field the API
 * does not have (a typo like `readinesProbe` would pass, and the API server would drop it
 * or refuse the object), so every field is also looked up in the model's TypeScript
 * interface, generated from the same OpenAPI schema, with the TypeScript checker.
 */
import ts from 'typescript';
import type { K8sObject } from './render.ts';
import { ROOT } from './render.ts';

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

/** Each apiVersion's models: `kubernetes-models/apps/v1` holds Deployment, StatefulSet, …. */
async function modelClass(object: K8sObject): Promise<ModelClass | undefined> {
  const module = `kubernetes-models/${object.apiVersion}`;
  const models = (await import(/* @vite-ignore */ module).catch(() => ({}))) as Record<string, ModelClass | undefined>;
  return models[object.kind];
}

/** Problems the kind's model finds: `<kind>/<name>: <path> <message>`. */
async function modelProblems(object: K8sObject): Promise<string[]> {
  const where = `${object.kind}/${object.metadata?.name}`;
  const Model = await modelClass(object);
  if (!Model) return [`${where}: no kubernetes-models model for ${object.apiVersion} ${object.kind}`];
  try {
    const { apiVersion: _apiVersion, kind: _kind, ...data } = withoutLineBreaksInSecretData(object);
    new Model(data).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: Array<{ instancePath: string; message?: string }> }).errors;
    if (!errors) return [`${where}: ${(error as Error).message}`];
    return errors.map((entry) => `${where}: ${entry.instancePath || '/'} ${entry.message}`);
  }
}

/**
 * kustomize wraps a long Secret value's base64 over several lines. The API server's
 * decoder skips line breaks; the model's base64 pattern does not, so they go before it looks.
 */
function withoutLineBreaksInSecretData(object: K8sObject): K8sObject {
  const data = object.kind === 'Secret' ? (object.data as Record<string, string> | undefined) : undefined;
  if (!data) return object;
  const joined = Object.fromEntries(Object.entries(data).map(([key, value]) => [key, value.replace(/[\r\n]/g, '')]));
  return { ...object, data: joined };
}

/**
 * The model interfaces (`IDeployment` of `kubernetes-models/apps/v1/Deployment`, …) of the
 * given kinds, resolved by a TypeScript program over one in-memory file that names them.
 */
class ModelInterfaces {
  private readonly checker: ts.TypeChecker;
  private readonly types = new Map<string, ts.Type>();

  constructor(kinds: ReadonlyArray<{ apiVersion: string; kind: string }>) {
    const unique = [...new Map(kinds.map((kind) => [`${kind.apiVersion}/${kind.kind}`, kind])).values()];
    const file = `${ROOT}test/deploy/kubernetes/__models__.ts`;
    const source = unique
      .map(
        ({ apiVersion, kind }, index) =>
          `import type { I${kind} as M${index} } from 'kubernetes-models/${apiVersion}/${kind}';\nexport type T${index} = M${index};`,
      )
      .join('\n');
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
      lib: ['lib.es2022.d.ts'],
    };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, language, ...rest) =>
      name === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (name) => name === file || fileExists(name);
    const program = ts.createProgram([file], options, host);
    this.checker = program.getTypeChecker();
    const diagnostics = ts.getPreEmitDiagnostics(program);
    if (diagnostics.length > 0) {
      throw new Error(`model interfaces: ${ts.flattenDiagnosticMessageText(diagnostics[0]?.messageText ?? '', '\n')}`);
    }
    const aliases = program.getSourceFile(file)?.statements.filter(ts.isTypeAliasDeclaration) ?? [];
    unique.forEach(({ apiVersion, kind }, index) => {
      const alias = aliases[index];
      if (alias) this.types.set(`${apiVersion}/${kind}`, this.checker.getTypeAtLocation(alias.name));
    });
  }

  /** Every field of `object` its model's interface does not have, as `<kind>/<name>: <path>`. */
  unknownFields(object: K8sObject): string[] {
    const type = this.types.get(`${object.apiVersion}/${object.kind}`);
    if (!type) return [];
    const problems: string[] = [];
    this.walk(object, type, '', problems);
    return problems.map((path) => `${object.kind}/${object.metadata?.name}: unknown field ${path}`);
  }

  private walk(value: unknown, type: ts.Type, path: string, problems: string[]): void {
    if (value === null || typeof value !== 'object') return;
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.NonPrimitive)) return;
    const members = type.isUnion() ? type.types : [type];
    const candidates = members.filter(
      (member) =>
        (member.flags & ts.TypeFlags.Object) !== 0 && this.checker.isArrayType(member) === Array.isArray(value),
    );
    // No object member: a type mismatch, which the model's validation reports.
    if (candidates.length === 0) return;
    // Several object members: the value fits one of them.
    if (candidates.length > 1) {
      for (const candidate of candidates) {
        const found: string[] = [];
        this.walkObject(value, candidate, path, found);
        if (found.length === 0) return;
      }
    }
    this.walkObject(value, candidates[0] as ts.Type, path, problems);
  }

  private walkObject(value: object, type: ts.Type, path: string, problems: string[]): void {
    if (Array.isArray(value)) {
      const [element] = this.checker.getTypeArguments(type as ts.TypeReference);
      if (!element) return;
      for (const [index, item] of value.entries()) this.walk(item, element, `${path}[${index}]`, problems);
      return;
    }
    const index = this.checker.getIndexInfoOfType(type, ts.IndexKind.String);
    for (const [key, child] of Object.entries(value)) {
      const property = this.checker.getPropertyOfType(type, key);
      const childPath = `${path}.${key}`;
      if (property) this.walk(child, this.checker.getTypeOfSymbol(property), childPath, problems);
      else if (index) this.walk(child, index.type, childPath, problems);
      else problems.push(childPath);
    }
  }
}

/** Building the TypeScript program takes seconds: one serves every call while it knows the kinds. */
let built: { kinds: Set<string>; interfaces: ModelInterfaces } | undefined;

function modelInterfaces(objects: readonly K8sObject[]): ModelInterfaces {
  const kinds = objects.map((object) => `${object.apiVersion}/${object.kind}`);
  if (!built || kinds.some((kind) => !built?.kinds.has(kind))) {
    const all = [...new Set([...(built?.kinds ?? []), ...kinds])];
    const split = all.map((kind) => ({
      apiVersion: kind.slice(0, kind.lastIndexOf('/')),
      kind: kind.slice(kind.lastIndexOf('/') + 1),
    }));
    built = { kinds: new Set(all), interfaces: new ModelInterfaces(split) };
  }
  return built.interfaces;
}

/**
 * Every problem the Kubernetes schemas find in `objects`: the models' validation and
 * fields no model has. Empty when all of them would be accepted as written.
 */
export async function schemaProblems(objects: readonly K8sObject[]): Promise<string[]> {
  const interfaces = modelInterfaces(objects);
  const problems = await Promise.all(
    objects.map(async (object) => [...(await modelProblems(object)), ...interfaces.unknownFields(object)]),
  );
  return problems.flat();
}
