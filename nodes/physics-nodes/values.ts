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

/**
 * GUIDANCE: what the sampler needs to steer by a simulation. `start`/`end` are fractions of the
 * schedule; outside them the sampler runs unguided.
 */
export interface Guidance {
  start: number;
  end: number;
  strength: number;
  /** Object coverage per frame [T × H × W] in 0–1, for packs trained with a simulation input. */
  simulation?: Float32Array;
  /** Latent blending toward the encoded rendering of the simulation, inside the object masks. */
  blend?: { target: Float32Array; mask: Float32Array };
}

declare module "../../core/node/definition.ts" {
  interface SocketValues {
    PHYSICS_SCENE: PhysicsSceneValue;
    PHYSICS_TRACE: PhysicsTraceValue;
    GUIDANCE: Guidance;
  }
}
