// POST /prompt's body → a job for the queue, or ComfyUI's error shape naming every bad node and field.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import {
  activeGraph,
  defaultTargets,
  missingTypes,
  missingTypesMessage,
  loadWorkflow,
  toApiPrompt,
  toComfyNodeErrors,
  validate,
  WorkflowFormatError,
  type ComfyNodeErrors,
  type Registry,
  type ValidationError,
  type Workflow,
} from "../../core/engine/index.ts";
import { formatIssues } from "../../core/protocol.ts";
import type { JobSpec, JobStore } from "./store.ts";

const ID = /^[\w.:-]{1,200}$/;

export const promptBodySchema = z.looseObject({
  /** ComfyUI API format, or (also accepted here) our own document. */
  prompt: z.record(z.string(), z.unknown()).optional(),
  /** Our own document, any version. */
  workflow: z.record(z.string(), z.unknown()).optional(),
  client_id: z.string().max(200).optional(),
  prompt_id: z.string().regex(ID, "prompt_id: 1–200 letters, digits, '_', '.', ':' or '-'").optional(),
  front: z.boolean().optional(),
  number: z.number().finite().optional(),
  extra_data: z.record(z.string(), z.unknown()).optional(),
  partial_execution_targets: z.array(z.string()).optional(),
});

export interface PromptError {
  error: { type: string; message: string; details: string; extra_info: Record<string, unknown> };
  node_errors: Record<string, ComfyNodeErrors>;
}

export type Submission = { ok: true; spec: JobSpec } | { ok: false; status: 400; body: PromptError };

const fail = (type: string, message: string, details = "", node_errors: Record<string, ComfyNodeErrors> = {}): Submission => ({
  ok: false,
  status: 400,
  body: { error: { type, message, details, extra_info: {} }, node_errors },
});

const detailsOf = (errors: ValidationError[]) => errors.map((e) => `${e.nodeId ?? "-"}${e.field ? `.${e.field}` : ""}: ${e.message}`).join("\n");

/** Checks and converts a POST /prompt body; nothing is queued here. */
export function prepareSubmission(body: unknown, registry: Registry, store: Pick<JobStore, "has" | "nextNumber">): Submission {
  const parsed = promptBodySchema.safeParse(body ?? {});
  if (!parsed.success) return fail("invalid_request", `bad request body: ${formatIssues(parsed.error.issues)}`);
  const b = parsed.data;
  const doc = b.workflow ?? b.prompt;
  if (doc === undefined) return fail("no_prompt", "No prompt provided", "send {prompt: <API-format prompt>} or {workflow: <workflow document>}");
  if (b.prompt_id !== undefined && store.has(b.prompt_id)) return fail("duplicate_prompt_id", `prompt_id "${b.prompt_id}" is already used`);

  let wf: Workflow;
  try {
    wf = loadWorkflow(doc, registry);
  } catch (err) {
    if (!(err instanceof WorkflowFormatError)) throw err;
    return fail("invalid_prompt", "Cannot execute because the prompt is malformed", err.issues.join("; "));
  }
  const targets = b.partial_execution_targets ?? defaultTargets(wf, registry);
  const errors = validate(wf, registry, { targets });
  if (errors.length > 0) {
    const general = errors.find((e) => e.nodeId === undefined);
    const details = detailsOf(errors);
    const nodeErrors = toComfyNodeErrors(errors, wf);
    const missing = missingTypes(wf, registry);
    if (missing.length > 0) {
      // ComfyUI's error type for a class it does not know, with every missing type named at once
      // (and each placeholder in node_errors, even where no output node reaches it).
      const all = validate(wf, registry);
      return fail("missing_node_type", missingTypesMessage(missing), detailsOf(all), toComfyNodeErrors(all, wf));
    }
    if (general?.kind === "no_outputs") return fail("prompt_no_outputs", "Prompt has no outputs", details, nodeErrors);
    if (general) return fail("invalid_prompt", general.message, details, nodeErrors);
    return fail("prompt_outputs_failed_validation", "Prompt outputs failed validation", details, nodeErrors);
  }

  const clientId = b.client_id ?? (typeof b.extra_data?.client_id === "string" ? b.extra_data.client_id : undefined);
  const extraData = { ...(b.extra_data ?? {}), ...(clientId === undefined ? {} : { client_id: clientId }) };
  const prompt = b.workflow === undefined && b.prompt !== undefined && !("nodes" in b.prompt) ? b.prompt : toApiPrompt(activeGraph(wf, registry), registry);
  return {
    ok: true,
    spec: {
      id: b.prompt_id ?? randomUUID(),
      number: b.number ?? store.nextNumber(b.front === true),
      ...(clientId === undefined ? {} : { clientId }),
      workflow: wf,
      prompt,
      extraData,
      targets,
    },
  };
}
