// Writes a run's results as JSON: the machine, the settings, every row and each group's extras
// (profiles, per-module bytes, the server's CPU share).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function writeResults(path, results) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(results, (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
}
