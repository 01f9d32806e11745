// Values on the physics sockets, registered with the node API by declaration merging.
import type { SceneDescription } from "../physics/describe.ts";
import type { RenderedClip } from "../physics/render.ts";
import type { PhysicsTrace as Trace, SceneSpec } from "../physics/scene.ts";

export interface PhysicsSceneValue {
  scene: SceneSpec;
  description?: SceneDescription;
  /** Prompt words that mapped to nothing in the scene. */
  unmapped: string[];
  /** Simulated seconds per video second. */
  timeScale: number;
}

export interface PhysicsTraceValue {
  scene: SceneSpec;
  trace: Trace;
  /** The simulation drawn as the ground-truth renderer draws it, plus per-object coverage masks. */
  render: RenderedClip;
  timeScale: number;
}

declare module "../../core/node/definition.ts" {
  interface SocketValues {
    PHYSICS_SCENE: PhysicsSceneValue;
    PHYSICS_TRACE: PhysicsTraceValue;
  }
}
