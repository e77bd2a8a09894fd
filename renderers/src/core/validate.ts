import * as validators from '../generated/validators.js';
import type { ValidatorError } from '../generated/validators.js';
import type { KindName } from '../generated/kinds.js';
import type { Problem } from './types.js';

/** The payload major version this build understands (the MIME types say v1). */
export const MAJOR = 1;

function describe(e: ValidatorError): Problem {
  const p = e.params;
  switch (e.keyword) {
    case 'required':
      return { path: `${e.instancePath}/${String(p.missingProperty)}`, message: 'is required but missing' };
    case 'type':
      return { path: e.instancePath, message: `must be ${String(p.type)}` };
    case 'enum':
      return {
        path: e.instancePath,
        message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'additionalProperties':
      return { path: `${e.instancePath}/${String(p.additionalProperty)}`, message: 'is not allowed here' };
    case 'pattern':
      return {
        path: e.instancePath,
        message: e.instancePath.endsWith('/data') ? 'must be base64 text' : `must match ${String(p.pattern)}`,
      };
    default:
      return { path: e.instancePath, message: e.message ?? e.keyword };
  }
}

/** Schema problems of a payload for a kind, most specific first; empty when valid. */
export function validatePayload(kind: KindName, payload: unknown): Problem[] {
  if (payload !== null && typeof payload === 'object' && !Array.isArray(payload)) {
    const version = (payload as { version?: unknown }).version;
    if (typeof version === 'string') {
      const major = Number(version.split('.')[0]);
      if (Number.isFinite(major) && major > MAJOR) {
        return [
          {
            path: '/version',
            message: `is ${version}, newer than this modelviz renderer understands (${MAJOR}.x): update the modelviz front end`,
          },
        ];
      }
    }
  }
  const validate = validators[kind];
  if (validate(payload)) return [];
  const problems = (validate.errors ?? []).map(describe);
  // ajv reports a failed $ref both at the ref and inside it; keep each (path, message) once, deepest first.
  const seen = new Set<string>();
  return problems
    .sort((a, b) => b.path.split('/').length - a.path.split('/').length)
    .filter((p) => {
      const key = `${p.path}\u0000${p.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
