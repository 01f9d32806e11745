// One entry point for any workflow document a user or script hands us.
import { fromApiPrompt, isApiPrompt } from "./api-prompt.ts";
import type { Registry } from "../node/registry.ts";
import { parseWorkflow, type Workflow } from "./schema.ts";

/**
 * Our format in any version (migrated) or a ComfyUI API prompt (converted).
 * Throws WorkflowFormatError on a malformed document; graph errors are validate()'s.
 */
export function loadWorkflow(doc: unknown, registry: Registry): Workflow {
  return isApiPrompt(doc) ? fromApiPrompt(doc, registry) : parseWorkflow(doc, registry);
}
