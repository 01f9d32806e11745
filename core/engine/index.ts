// The engine's public surface: validate → plan → execute → cache. Pure: no HTTP, no files.
export { createEngine, WorkflowInvalidError, type Engine, type EngineOptions, type RunOptions, type RunResult } from "./engine.ts";
export type { JobResult } from "./execute.ts";
export type { EngineEvent, EngineEventType, EventOf, JobStatus, NodeError } from "./events.ts";
export { createRegistry, checkDefinition, type Registry } from "../node/registry.ts";
export { validate, defaultTargets, type ValidationError, type ValidationErrorKind } from "./validate.ts";
export { plan, PlanError, type Plan } from "./plan.ts";
export { createOutputCache, estimateBytes, type OutputCache } from "./cache.ts";
export { applySeedControls, nextSeed } from "../workflow/seed.ts";
export {
  parseWorkflow,
  workflowSchema,
  WORKFLOW_VERSION,
  WorkflowFormatError,
  migrationEnv,
  type Workflow,
  type WorkflowInput,
  type WorkflowNode,
  type WorkflowLink,
  type MigrationEnv,
} from "../workflow/schema.ts";
export { migrate } from "../workflow/migrations.ts";
export { toApiPrompt, fromApiPrompt, isApiPrompt, apiPromptSchema, toComfyNodeErrors, type ApiPrompt, type ComfyNodeErrors } from "../workflow/api-prompt.ts";
export { loadWorkflow, readWorkflow, type ImportResult } from "../workflow/load.ts";
export { toComfyUi } from "../workflow/comfy-ui-export.ts";
export { isComfyUiWorkflow } from "../workflow/comfy-ui-schema.ts";
export { activeGraph, missingTypes, missingTypesMessage, socketsOf } from "../workflow/modes.ts";
export { catalogue, catalogueNode, toObjectInfo, objectInfoNode, type CatalogueNode, type CatalogueParam, type ObjectInfoNode } from "../node/catalogue.ts";
export { indexGraph, ancestorsOf, findCycles, topoOrder, type GraphIndex } from "../workflow/graph.ts";
