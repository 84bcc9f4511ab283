/**
 * Resilience and early-warning analytics tools, under the real server's names and result
 * fields. Each reads the stored schedule through `ctx.snapshot` (or series the caller
 * passes) and computes with the functions of `src/server/analytics`. Inputs a schedule
 * cannot hold come from its `wellbeing` section; when they are missing the result says so
 * in `data_quality` instead of inventing numbers. All tools only read.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolContext } from '../context';
import { registerBurnoutRtTool } from './burnoutRt';
import { registerContagionTool } from './contagion';
import { registerCreepFatigueTool } from './creepFatigue';
import { registerEquityTool } from './equity';
import { registerFireDangerTool } from './fireDanger';
import { registerHubCentralityTool, registerUnifiedIndexTool } from './hubs';
import { registerBlastRadiusTool, registerRecoveryDistanceTool, registerSacrificeHierarchyTool } from './nMinusOne';
import { registerMagnitudeTool, registerPrecursorsTool } from './precursors';
import { analyticsDeps } from './shared';
import { registerCapabilityTool, registerSpcTool } from './spc';
import { registerSupplyDemandTool } from './supplyDemand';
import { registerTrendTool } from './trend';

export function registerAnalyticsTools(server: McpServer, ctx: ToolContext): void {
  const deps = analyticsDeps(ctx);
  // Registration order is the order clients list the tools in.
  registerBlastRadiusTool(server, deps);
  registerSacrificeHierarchyTool(server, deps);
  registerRecoveryDistanceTool(server, deps);
  registerHubCentralityTool(server, deps);
  registerBurnoutRtTool(server, deps);
  registerContagionTool(server, deps);
  registerPrecursorsTool(server, deps);
  registerSpcTool(server, deps);
  registerFireDangerTool(server, deps);
  registerMagnitudeTool(server, deps);
  registerCreepFatigueTool(server, deps);
  registerEquityTool(server, deps);
  registerCapabilityTool(server, deps);
  registerUnifiedIndexTool(server, deps);
  registerTrendTool(server, deps);
  registerSupplyDemandTool(server, deps);
}
