import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import type { ReceivedRequest } from '../sandbox/server.ts';

/**
 * A provider's published OpenAPI document (shared/specs), read by tests only, and the check of one
 * request the app sent (as a simulator recorded it) against the operation the spec publishes for
 * its method and path: path and query parameters by name, type and bounds, nothing unpublished,
 * the security header, and the body against the request body schema.
 */
type Json = unknown;

export interface SpecParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Json;
  /** Market's other spellings of one parameter (`pageToken` / `page_token`). */
  'x-aliases'?: string[];
}

export interface SpecOperation {
  operationId: string;
  method: string;
  /** The path template as the spec writes it, e.g. `/v2/businesses/{businessId}/chats`. */
  template: string;
  parameters: SpecParameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: Json }> };
  responses?: Record<string, { content?: Record<string, { schema?: Json }> }>;
  security?: Record<string, string[]>[];
}

export interface SecurityScheme {
  type: string;
  scheme?: string;
  name?: string;
  in?: string;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** OpenAPI 3.0 `nullable` → JSON Schema; descriptions, examples and extensions dropped. */
function toJsonSchema(node: Json): Json {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== 'object') return node;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(node))
    if (k !== 'nullable' && k !== 'example' && k !== 'description' && !k.startsWith('x-')) out[k] = toJsonSchema(v);
  if ((node as { nullable?: boolean }).nullable) return { anyOf: [out, { type: 'null' }] };
  return out;
}

/** A query or path value arrives as text; the parameter's schema says what it stands for. */
function typed(raw: string, schema: Json): Json {
  const type = (schema as { type?: string } | undefined)?.type;
  if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  if (type === 'boolean' && (raw === 'true' || raw === 'false')) return raw === 'true';
  return raw;
}

export class OpenApiSpec {
  private readonly files = new Map<string, Json>();
  private readonly entry: URL;
  private readonly root: {
    paths: Record<string, Json>;
    security?: Record<string, string[]>[];
    components?: { securitySchemes?: Record<string, SecurityScheme> };
  };
  private readonly ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
  private readonly compiled = new Map<Json, ValidateFunction>();

  constructor(entry: URL) {
    this.entry = entry;
    this.root = this.load(entry) as OpenApiSpec['root'];
  }

  private load(url: URL): Json {
    const key = url.href.split('#')[0]!;
    if (!this.files.has(key)) this.files.set(key, parse(readFileSync(new URL(key), 'utf8')) as Json);
    return this.files.get(key);
  }

  /** Inlines every `$ref` (another file, a `#/pointer`, or both), each resolved against the file it appears in. */
  private deref(node: Json, base: URL, stack: readonly string[] = []): Json {
    if (Array.isArray(node)) return node.map((n) => this.deref(n, base, stack));
    if (!node || typeof node !== 'object') return node;
    const obj = node as Record<string, Json>;
    if (typeof obj.$ref === 'string') {
      const target = new URL(obj.$ref, base);
      if (stack.includes(target.href)) throw new Error(`$ref cycle at ${target.href}`);
      let value = this.load(target);
      for (const seg of target.hash.replace(/^#\/?/, '').split('/').filter(Boolean))
        value = (value as Record<string, Json>)[decodeURIComponent(seg).replace(/~1/g, '/').replace(/~0/g, '~')];
      return this.deref(value, target, [...stack, target.href]);
    }
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, this.deref(v, base, stack)]));
  }

  /** The operation for a method and a concrete path; literal segments win over `{parameters}`. */
  find(method: string, path: string): { op: SpecOperation; pathParams: Record<string, string> } | undefined {
    const segments = path.split('/');
    const candidates = Object.keys(this.root.paths)
      .map((template) => {
        const parts = template.split('/');
        if (parts.length !== segments.length) return undefined;
        const params: Record<string, string> = {};
        let literal = 0;
        for (let i = 0; i < parts.length; i++) {
          const m = /^\{(.+)\}$/.exec(parts[i]!);
          if (m) params[m[1]!] = decodeURIComponent(segments[i]!);
          else if (parts[i] === segments[i]) literal++;
          else return undefined;
        }
        return { template, params, literal };
      })
      .filter((c) => c !== undefined)
      .toSorted((a, b) => b.literal - a.literal);
    for (const c of candidates) {
      const op = this.operation(method, c.template);
      if (op) return { op, pathParams: c.params };
    }
    return undefined;
  }

  /** One published operation, every `$ref` inlined, with the path item's own parameters merged in. */
  operation(method: string, template: string): SpecOperation | undefined {
    const raw = this.root.paths[template];
    if (!raw || !METHODS.includes(method.toLowerCase())) return undefined;
    const item = this.deref(raw, this.entry) as Record<string, Json> & { parameters?: SpecParameter[] };
    const op = item[method.toLowerCase()] as (Omit<SpecOperation, 'method' | 'template'> & { parameters?: SpecParameter[] }) | undefined;
    if (!op) return undefined;
    const own = op.parameters ?? [];
    const inherited = (item.parameters ?? []).filter((p) => !own.some((o) => o.name === p.name && o.in === p.in));
    return { ...op, method: method.toUpperCase(), template, parameters: [...inherited, ...own] };
  }

  /** A validator of one named schema of `#/components/schemas`, every `$ref` inlined. */
  schema(name: string): ValidateFunction {
    return this.validator(this.deref({ $ref: `#/components/schemas/${name}` }, this.entry));
  }

  get securitySchemes(): Readonly<Record<string, SecurityScheme>> {
    return this.root.components?.securitySchemes ?? {};
  }

  private validator(schema: Json): ValidateFunction {
    let v = this.compiled.get(schema);
    if (!v) this.compiled.set(schema, (v = this.ajv.compile(toJsonSchema(schema) as object)));
    return v;
  }

  /** Every way one recorded request departs from the published operation; `[]` when it conforms. */
  violations(req: ReceivedRequest): string[] {
    const found = this.find(req.method, req.path);
    if (!found) return [`${req.method} ${req.path} is not a published operation`];
    const { op, pathParams } = found;
    const out: string[] = [];
    const check = (schema: Json, value: Json, what: string) => {
      const v = this.validator(schema);
      if (!v(value)) out.push(...(v.errors ?? []).map((e) => `${what}${e.instancePath} ${e.message}`));
    };

    for (const p of op.parameters.filter((x) => x.in === 'path'))
      if (p.schema) check(p.schema, typed(pathParams[p.name] ?? '', p.schema), `path ${p.name}`);

    const query = op.parameters.filter((p) => p.in === 'query');
    const byName = new Map<string, SpecParameter>();
    for (const p of query) for (const n of [p.name, ...(p['x-aliases'] ?? [])]) byName.set(n, p);
    const seen = new Set<SpecParameter>();
    for (const name of new Set(req.query.keys())) {
      const p = byName.get(name);
      if (!p) {
        out.push(`query ${name} is not a parameter of ${op.operationId}`);
        continue;
      }
      if (seen.has(p)) out.push(`query ${name} repeats ${p.name} under another name`);
      seen.add(p);
      const values = req.query.getAll(name);
      const isArray = (p.schema as { type?: string } | undefined)?.type === 'array';
      if (values.length > 1 && !isArray) out.push(`query ${name} given ${values.length} times`);
      if (p.schema)
        check(
          p.schema,
          isArray ? values.map((v) => typed(v, (p.schema as { items?: Json }).items)) : typed(values[0]!, p.schema),
          `query ${name}`,
        );
    }
    for (const p of query) if (p.required && !seen.has(p)) out.push(`query ${p.name} is required, missing`);
    for (const p of op.parameters.filter((x) => x.in === 'header'))
      if (p.required && req.headers[p.name.toLowerCase()] === undefined) out.push(`header ${p.name} is required, missing`);

    out.push(...this.securityViolations(op, req));

    const type = String(req.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    if (!op.requestBody) {
      if (req.body.length > 0) out.push(`${op.operationId} takes no body, ${req.body.length} bytes sent`);
      return out;
    }
    if (req.body.length === 0) {
      if (op.requestBody.required) out.push(`${op.operationId} requires a body, none sent`);
      return out;
    }
    const media = op.requestBody.content[type];
    if (!media) return [...out, `content type ${type || '(none)'} is not one of ${Object.keys(op.requestBody.content).join(', ')}`];
    if (type === 'application/json') {
      let body: Json;
      try {
        body = JSON.parse(req.body.toString('utf8'));
      } catch {
        return [...out, 'body is not JSON'];
      }
      if (media.schema) check(media.schema, body, 'body');
    }
    return out;
  }

  /** One of the operation's (or the document's) security alternatives must be present. */
  private securityViolations(op: SpecOperation, req: ReceivedRequest): string[] {
    const alternatives = op.security ?? this.root.security ?? [];
    if (alternatives.length === 0) return [];
    const schemes = this.root.components?.securitySchemes ?? {};
    const auth = String(req.headers.authorization ?? '');
    const met = alternatives.some((alt) =>
      Object.keys(alt).every((name) => {
        const s = schemes[name];
        if (!s) return false;
        if (s.type === 'http') return auth.toLowerCase().startsWith(`${(s.scheme ?? '').toLowerCase()} `);
        if (s.type === 'apiKey' && s.in === 'header') return !!req.headers[s.name!.toLowerCase()];
        if (s.type === 'apiKey' && s.in === 'query') return req.query.has(s.name!);
        if (s.type === 'oauth2') return /^(bearer|oauth) /i.test(auth);
        return false;
      }),
    );
    return met ? [] : [`none of the security schemes (${alternatives.map((a) => Object.keys(a).join('+')).join(' | ')}) is present`];
  }
}
