/** How the degrading proxy server (proxyServer.ts) is bundled into one CommonJS file, for every test that starts it. */
import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';

export function proxyBuildOptions(root: string, outfile: string): BuildOptions {
  return {
    entryPoints: [join(root, 'test', 'support', 'workflows', 'proxyServer.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'error',
  };
}
