import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const FIXTURES = join(ROOT, 'schema', 'fixtures');

export interface Fixture {
  file: string;
  description: string;
  payload: Record<string, unknown>;
  error_path?: string;
  level?: 'schema' | 'semantic';
}

export function fixtures(kind: string): Fixture[] {
  const dir = join(FIXTURES, kind);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: f, ...(JSON.parse(readFileSync(join(dir, f), 'utf8')) as Omit<Fixture, 'file'>) }));
}

export function schemaKinds(): string[] {
  return readdirSync(join(ROOT, 'schema'))
    .filter((f) => f.endsWith('.v1.schema.json') && f !== 'common.v1.schema.json')
    .map((f) => f.replace('.v1.schema.json', ''))
    .sort();
}

/** Let queued promises (lazy loads, chained updates) settle. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
}
