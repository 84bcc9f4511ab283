/**
 * Loads runtime.ts once, on first use. In dist/extension.js the import resolves to the separate
 * dist/runtime.js (scripts/build.mjs), so activation does not load or compile it.
 */
import type * as Runtime from './runtime';

export type ExtensionRuntime = typeof Runtime;

let loading: Promise<ExtensionRuntime> | undefined;

export function loadRuntime(): Promise<ExtensionRuntime> {
  loading ??= import('./runtime');
  return loading;
}
