import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/**
 * Kontur Diadoc's own .proto files (shared/specs/diadoc/proto, from diadocsdk-csharp), read by
 * tests only, and the check of a JSON value against one of their messages. The JSON form of the
 * API uses the proto field names verbatim, base64 for bytes, and enums by name or number (diadoc.md §3).
 */
const protoDir = fileURLToPath(new URL('../../../shared/specs/diadoc/proto/', import.meta.url));

/** The named .proto files loaded and resolved, field names kept as written. */
export function diadocProtos(files: readonly string[]): protobuf.Root {
  const root = new protobuf.Root();
  // Imports in these files are written relative to the proto folder, not to the importing file.
  root.resolvePath = (_origin, target) => join(protoDir, target);
  root.loadSync([...files], { keepCase: true });
  root.resolveAll();
  return root;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const INT32 = new Set(['int32', 'sint32', 'sfixed32', 'uint32', 'fixed32']);
const INT64 = new Set(['int64', 'sint64', 'sfixed64', 'uint64', 'fixed64']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function conformValue(field: protobuf.Field, v: unknown, at: string, out: string[]): void {
  const rt = field.resolvedType;
  if (rt instanceof protobuf.Type) return conform(rt, v, at, out);
  if (rt instanceof protobuf.Enum) {
    const ok = (typeof v === 'string' && Object.hasOwn(rt.values, v)) || (typeof v === 'number' && rt.valuesById[v] !== undefined);
    if (!ok) out.push(`${at}: not a value of enum ${rt.name}`);
    return;
  }
  const ok =
    field.type === 'string'
      ? typeof v === 'string'
      : field.type === 'bool'
        ? typeof v === 'boolean'
        : field.type === 'bytes'
          ? typeof v === 'string' && BASE64.test(v)
          : INT32.has(field.type)
            ? Number.isInteger(v)
            : INT64.has(field.type)
              ? Number.isInteger(v) || (typeof v === 'string' && /^-?\d+$/.test(v))
              : typeof v === 'number';
  if (!ok) out.push(`${at}: not a ${field.type}`);
}

function conform(type: protobuf.Type, value: unknown, path: string, out: string[]): void {
  if (!isRecord(value)) {
    out.push(`${path || type.name}: not an object`);
    return;
  }
  for (const [key, v] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    const field = Object.hasOwn(type.fields, key) ? type.fields[key] : undefined;
    if (!field) out.push(`${at}: unknown field of ${type.name}`);
    else if (v === null) out.push(`${at}: null`);
    else if (field.repeated) {
      if (!Array.isArray(v)) out.push(`${at}: not a list`);
      else v.forEach((item, i) => conformValue(field, item, `${at}[${i}]`, out));
    } else conformValue(field, v, at, out);
  }
  for (const field of type.fieldsArray)
    if (field.required && !Object.hasOwn(value, field.name)) out.push(`${path ? `${path}.` : ''}${field.name}: required, missing`);
}

/** Every way a JSON value breaks the proto type: unknown fields, missing required fields, wrong types; `[]` when it conforms. */
export function protoProblems(type: protobuf.Type, value: unknown): string[] {
  const out: string[] = [];
  conform(type, value, '', out);
  return out;
}
