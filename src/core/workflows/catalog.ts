/**
 * The four workflows by id, and the capability catalog they are checked against when loaded
 * (the connection layer's CAPABILITIES: the one list of what the project knows a server may have).
 */
import { catalogOf, loadWorkflow, type CapabilityCatalog, type LoadedWorkflow } from '../engine/validate';
import { CAPABILITIES } from '../mcp/capabilities';
import { compliance } from './compliance';
import { generation } from './generation';
import { resilience } from './resilience';
import type { WorkflowModule } from './shared/module';
import { swap } from './swap';

/** In the order a person usually wants them: check, assess, then change. */
export const WORKFLOWS: readonly WorkflowModule[] = [compliance, resilience, generation, swap];

export function findWorkflow(id: string): WorkflowModule | undefined {
  return WORKFLOWS.find((w) => w.definition.id === id);
}

export function capabilityCatalog(): CapabilityCatalog {
  return catalogOf(
    CAPABILITIES.map((c) => c.name),
    CAPABILITIES.filter((c) => c.writes).map((c) => c.name),
  );
}

/** Loads (validates) a workflow against the capability catalog; throws a WorkflowValidationError. */
export function loadModule(module: WorkflowModule, catalog: CapabilityCatalog = capabilityCatalog()): LoadedWorkflow {
  return loadWorkflow(module.definition, catalog);
}
