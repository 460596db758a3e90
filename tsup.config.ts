import { rm } from 'node:fs/promises';
import { defineConfig, type Options } from 'tsup';

// The entries that only run in Node. `node:` stays in their imports, so a browser bundler that is
// pointed at them fails plainly instead of quietly polyfilling `crypto` or `http`.
const nodeOnly = {
  sourcemap: true,
  target: 'node20',
  platform: 'node',
  removeNodeProtocol: false,
} satisfies Options;

// Dependencies and peers stay external: the package never bundles Momento's code or grpc-js.
export default defineConfig(async (): Promise<Options[]> => {
  // tsup builds these configs in parallel; `clean: true` on one of them could delete what another
  // has already written, so dist/ is emptied once, before any of them starts.
  await rm('dist', { recursive: true, force: true });
  return [
    {
      entry: { index: 'src/index.ts' },
      format: ['esm', 'cjs'],
      dts: true,
      sourcemap: true,
      target: 'es2022',
      platform: 'neutral',
      treeshake: true,
    },
    {
      // Node only: the webhook handler verifies signatures with node:crypto.
      entry: { 'moderator/index': 'src/moderator/index.ts' },
      format: ['esm', 'cjs'],
      dts: true,
      ...nodeOnly,
    },
    {
      // The bin is ESM only (package.json's `bin`); it shares its chunk with the ESM entry.
      entry: { 'local/index': 'src/local/index.ts', 'local/cli': 'src/local/cli.ts' },
      format: ['esm'],
      dts: { entry: { 'local/index': 'src/local/index.ts' } },
      ...nodeOnly,
    },
    {
      entry: { 'local/index': 'src/local/index.ts' },
      format: ['cjs'],
      dts: true,
      ...nodeOnly,
    },
  ];
});
