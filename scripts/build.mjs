// One esbuild build, four bundles: the extension host code, the bundled scheduling
// server (its own process), the CLI, and the webview's browser code. The extension host code
// is three files: dist/extension.js (loaded on activation: views and commands), dist/runtime.js
// (the application, its MCP connection and the workflows, required on first use) and
// dist/chat.js (the chat prompt renderer with @vscode/prompt-tsx, required on the first
// /explain that uses a model).
import * as esbuild from 'esbuild';
import { cpSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  logLevel: 'info',
  legalComments: 'none',
};

const nodeCommon = {
  ...common,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Both WebAssembly runtimes locate their .wasm next to the bundle (copied below).
  external: ['vscode'],
};

/** Imports of the chat prompt module resolve, in dist/extension.js, to the separate dist/chat.js. */
const lazyChat = {
  name: 'lazy-chat',
  setup(build) {
    build.onResolve({ filter: /^\.\/explainPrompt$/ }, () => ({ path: './chat.js', external: true }));
  },
};

/** loadRuntime.ts's import of the runtime module resolves, in dist/extension.js, to the separate dist/runtime.js. */
const lazyRuntime = {
  name: 'lazy-runtime',
  setup(build) {
    build.onResolve({ filter: /^\.\/runtime$/, namespace: 'file' }, (args) => (args.importer.endsWith('loadRuntime.ts') ? { path: './runtime.js', external: true } : undefined));
  },
};

/**
 * The SDK's client falls back to Ajv when no JSON Schema validator is given; ours always gives
 * one (src/core/mcp/schemaValidator.ts), so in the extension's bundle the fallback is replaced by
 * a class that says so if it were ever reached, and Ajv (about 130 KB) is not bundled.
 */
const withoutAjv = {
  name: 'without-ajv',
  setup(build) {
    build.onResolve({ filter: /\/validation\/ajv-provider\.js$/ }, () => ({ path: 'ajv-provider', namespace: 'without-ajv' }));
    build.onLoad({ filter: /.*/, namespace: 'without-ajv' }, () => ({
      contents: "export class AjvJsonSchemaValidator { constructor() { throw new Error('Ajv is not bundled: pass the client a jsonSchemaValidator'); } }",
      loader: 'js',
    }));
  },
};

const builds = [
  // `import()` becomes `require()`: the extension host loads CommonJS through its own require.
  { ...nodeCommon, entryPoints: { extension: 'src/extension/extension.ts' }, outdir: 'dist', plugins: [lazyChat, lazyRuntime], supported: { 'dynamic-import': false } },
  { ...nodeCommon, entryPoints: { runtime: 'src/extension/runtime.ts' }, outdir: 'dist', plugins: [withoutAjv] },
  { ...nodeCommon, entryPoints: { chat: 'src/extension/chat/explainPrompt.tsx' }, outdir: 'dist' },
  { ...nodeCommon, entryPoints: { server: 'src/server/main.ts', 'solver-worker': 'src/server/generation/solverWorker.ts' }, outdir: 'dist' },
  { ...nodeCommon, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  {
    ...common,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    // The catalog page and the run panel (its CSS, with codicons, lands in dist/runPanel.css).
    entryPoints: { webview: 'src/webview/main.ts', runPanel: 'src/webview/runPanel/main.ts' },
    outdir: 'dist',
    loader: { '.ttf': 'file' },
  },
];

function copyRuntimeAssets() {
  mkdirSync('dist', { recursive: true });
  const sqliteWasm = join(dirname(require.resolve('node-sqlite3-wasm')), 'node-sqlite3-wasm.wasm');
  cpSync(sqliteWasm, 'dist/node-sqlite3-wasm.wasm');
  cpSync(require.resolve('highs/runtime'), 'dist/highs.wasm');
}

copyRuntimeAssets();

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
