import { defineConfig } from 'tsup';

// Dependencies and peers stay external: the package never bundles Momento's code or grpc-js.
export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    treeshake: true,
  },
  {
    // Node only: the webhook handler verifies signatures with node:crypto.
    entry: { 'moderator/index': 'src/moderator/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'node20',
    platform: 'node',
  },
  {
    entry: { 'local/index': 'src/local/index.ts', 'local/cli': 'src/local/cli.ts' },
    format: ['esm', 'cjs'],
    dts: { entry: { 'local/index': 'src/local/index.ts' } },
    sourcemap: true,
    target: 'node20',
    platform: 'node',
  },
]);
