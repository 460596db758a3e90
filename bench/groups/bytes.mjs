// Row group 7: bytes a browser downloads.
//
// Main entry: dist/index.js bundled by esbuild for the browser (minified, @gomomento/* external), then
// gzip -9. App: a tiny app importing ChatRoom and building sdk-web's CacheClient and TopicClient
// (apps/library-app.mjs), against an app of sdk-web alone doing the same raw calls (apps/raw-app.mjs),
// each bundled whole the same way.
//
// Per module: src/index.ts bundled with the same settings but whitespace kept, so esbuild's
// `// src/<file>.ts` markers split the output into each module's code; each module's figure is what
// removing its code from the (whitespace-minified) bundle saves in gzip bytes, beside its minified bytes
// from esbuild's metafile. Gzip shares a dictionary across modules, so these do not add up to the total.
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';
import { absoluteRow, ratioRow } from '../harness/row.mjs';
import { target } from '../harness/target.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const gzipBytes = (text) => gzipSync(text, { level: 9 }).length;
const BROWSER = { bundle: true, platform: 'browser', format: 'esm', target: 'es2022', write: false, metafile: true, logLevel: 'silent', absWorkingDir: root };

async function bundle(options) {
  const result = await build({ ...BROWSER, minify: true, ...options });
  return { code: result.outputFiles[0].text, metafile: result.metafile };
}

async function moduleShares() {
  const full = await bundle({ entryPoints: ['src/index.ts'], external: ['@gomomento/*'] });
  const minified = Object.fromEntries(Object.entries(Object.values(full.metafile.outputs)[0].inputs).map(([path, input]) => [path, input.bytesInOutput]));
  const marked = await build({ ...BROWSER, entryPoints: ['src/index.ts'], external: ['@gomomento/*'], minifySyntax: true, minifyIdentifiers: true });
  const parts = marked.outputFiles[0].text.split(/^\/\/ (src\/\S+)$/m);
  const segments = [{ module: '(imports)', code: parts[0] }];
  for (let i = 1; i < parts.length; i += 2) segments.push({ module: parts[i], code: parts[i + 1] });
  // The bundle's export list ends the last module's text; it is nobody's code, and names what others declare.
  const last = segments.at(-1);
  const exportList = /\nexport\s*\{[^}]*\};?\s*$/.exec(last.code);
  if (exportList) {
    last.code = last.code.slice(0, exportList.index);
    segments.push({ module: '(exports)', code: exportList[0].replace(/\s+/g, '') });
  }
  for (const s of segments) if (s.module !== '(exports)') s.code = (await transform(s.code, { minifyWhitespace: true, loader: 'js' })).code;
  const all = gzipBytes(segments.map((s) => s.code).join(''));
  return segments
    .filter((s) => !s.module.startsWith('('))
    .map((s) => ({ module: s.module, minified: minified[s.module] ?? s.code.length, gzipMarginal: all - gzipBytes(segments.filter((o) => o !== s).map((o) => o.code).join('')) }))
    .sort((a, b) => b.gzipMarginal - a.gzipMarginal);
}

export async function run({ log }) {
  const entry = await bundle({ entryPoints: ['dist/index.js'], external: ['@gomomento/*'] });
  const entryGzip = gzipBytes(entry.code);
  const alias = { 'momento-chat': './dist/index.js' };
  const libraryApp = await bundle({ entryPoints: ['bench/apps/library-app.mjs'], alias });
  const rawApp = await bundle({ entryPoints: ['bench/apps/raw-app.mjs'] });
  const modules = await moduleShares();
  log(`main entry ${entry.code.length} B minified, ${entryGzip} B gzip`);
  const kb = (bytes) => bytes / 1024;
  return {
    rows: [
      absoluteRow({
        group: 'bytes',
        name: 'main entry, browser, minified + gzip -9',
        unit: 'KB',
        library: kb(entryGzip),
        target: target('at-most', 5, 'KB'),
        detail: { minifiedBytes: entry.code.length, gzipBytes: entryGzip },
      }),
      ratioRow({
        group: 'bytes',
        name: 'app bundle, sdk-web + momento-chat vs sdk-web alone',
        unit: 'KB',
        library: kb(gzipBytes(libraryApp.code)),
        raw: kb(gzipBytes(rawApp.code)),
        target: target('at-most', 1.03),
        detail: { libraryMinifiedBytes: libraryApp.code.length, rawMinifiedBytes: rawApp.code.length },
      }),
    ],
    extras: { modules },
  };
}
