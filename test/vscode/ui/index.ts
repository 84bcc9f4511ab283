/**
 * UI tests: Playwright works the workbench of a code-server that has the packaged VSIX
 * installed. Each scenario gets a fresh VS Code (own user data) that starts with the user
 * settings the scenario asks for; run-tests.mjs starts code-server and Chromium for it.
 */
import type { Page } from 'playwright-core';
import { apiKeyScenario } from './apiKey';
import { bundledServerScenario } from './catalog';
import { inputsDarkScenario, inputsLightScenario } from './inputs';
import { runsDarkScenario, runsLightScenario } from './runs';
import { taskReloadScenario } from './taskReload';

export interface UiContext {
  page: Page;
  artifactsDir: string;
  /** VS Code's log folder (extension host, output channels), searched for leaked secrets. */
  vscodeLogsDir: string;
  reportFile: string;
}

export interface UiScenario {
  name: string;
  /** Starts what the scenario needs; returns the user settings VS Code starts with. */
  setUp(): Promise<{ settings: Record<string, unknown>; tearDown(): Promise<void> }>;
  /** Runs the scenario's steps in order; rejects when one failed. */
  run(context: UiContext): Promise<void>;
}

export const scenarios: readonly UiScenario[] = [
  bundledServerScenario,
  apiKeyScenario,
  runsDarkScenario,
  runsLightScenario,
  inputsDarkScenario,
  inputsLightScenario,
  taskReloadScenario,
];
