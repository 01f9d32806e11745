// One entry point for any workflow document a user or script hands us.
import { fromApiPrompt, isApiPrompt } from "./api-prompt.ts";
import { fromComfyUi, type ImportResult } from "./comfy-ui.ts";
import { isComfyUiWorkflow } from "./comfy-ui-schema.ts";
import type { Registry } from "../node/registry.ts";
import { parseWorkflow, type Workflow } from "./schema.ts";

export type { ImportResult } from "./comfy-ui.ts";

/**
 * Our format in any version (migrated), ComfyUI's UI format (converted, with warnings for what
 * was dropped) or a ComfyUI API prompt (converted). Throws WorkflowFormatError on a malformed
 * document; graph errors are validate()'s.
 */
export function readWorkflow(doc: unknown, registry: Registry): ImportResult {
  if (isComfyUiWorkflow(doc)) return fromComfyUi(doc, registry);
  return { workflow: isApiPrompt(doc) ? fromApiPrompt(doc, registry) : parseWorkflow(doc, registry), warnings: [] };
}

export function loadWorkflow(doc: unknown, registry: Registry): Workflow {
  return readWorkflow(doc, registry).workflow;
}
