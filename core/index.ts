// The public node API: what a node, built in or from a custom node pack, may import. Anything else
// under core/ is private to the studio and may change. See docs/nodes-api.md.
import type { AnyNodeDef as PackNodeDef } from "./node/definition.ts";
import type * as NodeApi from "./index.ts";

export {
  defineNode,
  p,
  showNotes,
  SEED_CONTROLS,
  SEED_CONTROL_PARAM,
  type AnyNodeDef,
  type AppliedPatch,
  type FileRef,
  type Frames,
  type InputValues,
  type LiveChannel,
  type LiveSpec,
  type LivePatch,
  type Logger,
  type NodeContext,
  type NodeDef,
  type NodeResult,
  type Outputs,
  type OutputValues,
  type ParamKind,
  type ParamRole,
  type Params,
  type ParamSpec,
  type ParamValues,
  type PreviewPayload,
  type RunInputs,
  type SeedControl,
  type Services,
  type SocketSpec,
  type Sockets,
  type SocketTypeName,
  type SocketValue,
  type SocketValues,
  type UiOutput,
} from "./node/definition.ts";
export * from "./node/sockets.ts";
export type { Workflow, WorkflowLink, WorkflowNode } from "./workflow/schema.ts";

/** What a custom node pack's default export is handed: this module, the whole public node API. */
export type NodePackApi = typeof NodeApi;
/** A custom node pack's default export when it is a function (docs/custom-nodes.md). */
export type NodePack = (api: NodePackApi) => readonly PackNodeDef[] | Promise<readonly PackNodeDef[]>;
