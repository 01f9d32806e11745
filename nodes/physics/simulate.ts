import RAPIER from "@dimforge/rapier2d-deterministic-compat";
import type { PhysicsTrace, SceneObject, SceneSpec } from "./scene.ts";

let ready: Promise<void> | undefined;
/** Rapier's WASM must be instantiated once per process before the first world is built. */
export function initPhysics(): Promise<void> {
  ready ??= RAPIER.init();
  return ready;
}

export interface SimulateOptions {
  frames: number;
  fps: number;
  /** Physics substeps per video frame: more is smoother contacts, same determinism. */
  substeps?: number;
  /** Slow motion < 1 < fast forward: simulated seconds per real second. */
  timeScale?: number;
}

/** Triangle vertices in the body frame (apex up), shared with the renderer. */
export function triangleVertices(h: number): [number, number][] {
  return [[-h, -0.8 * h], [h, -0.8 * h], [0, 1.05 * h]];
}

function colliderFor(o: SceneObject): RAPIER.ColliderDesc {
  const h = o.halfExtent;
  if (o.shape === "ball") return RAPIER.ColliderDesc.ball(h);
  if (o.shape === "box") return RAPIER.ColliderDesc.cuboid(h, h);
  const [a, b, c] = triangleVertices(h).map(([x, y]) => new RAPIER.Vector2(x, y));
  return RAPIER.ColliderDesc.triangle(a!, b!, c!);
}

/**
 * Runs the scene in Rapier's deterministic build and samples one pose per video frame.
 * Same scene + options → bit-identical trace on every machine.
 */
export async function simulate(scene: SceneSpec, opts: SimulateOptions): Promise<PhysicsTrace> {
  await initPhysics();
  const substeps = opts.substeps ?? 8;
  const world = new RAPIER.World(new RAPIER.Vector2(0, -scene.world.gravity));
  world.timestep = (opts.timeScale ?? 1) / (opts.fps * substeps);
  try {
    const { width, groundY } = scene.world;
    // Ground wider than the view so things can roll out of frame.
    const ground = world.createRigidBody(RAPIER.RigidBodyDesc.fixed().setTranslation(width / 2, groundY - 5));
    world.createCollider(RAPIER.ColliderDesc.cuboid(width * 4, 5).setFriction(1).setRestitution(0), ground);
    const fixed = world.createRigidBody(RAPIER.RigidBodyDesc.fixed());
    if (scene.world.walls) {
      for (const x of [0.125, width - 0.125]) {
        world.createCollider(RAPIER.ColliderDesc.cuboid(0.125, 20).setTranslation(x, 20).setFriction(1), fixed);
      }
    }
    const r = scene.world.ramp;
    if (r) {
      const x0 = r.side === "left" ? 0 : width;
      const x1 = r.side === "left" ? r.length : width - r.length;
      const pts = [new RAPIER.Vector2(x0, groundY), new RAPIER.Vector2(x1, groundY), new RAPIER.Vector2(x0, groundY + r.height)];
      world.createCollider(RAPIER.ColliderDesc.triangle(pts[0]!, pts[1]!, pts[2]!).setFriction(1), fixed);
    }
    const bodies = scene.objects.map((o) => {
      const body = world.createRigidBody(
        RAPIER.RigidBodyDesc.dynamic()
          .setTranslation(o.position.x, o.position.y)
          .setRotation(o.angle)
          .setLinvel(o.velocity.x, o.velocity.y)
          .setAngvel(o.angularVelocity)
          .setCcdEnabled(true),
      );
      const desc = colliderFor(o)
        .setRestitution(o.restitution)
        .setRestitutionCombineRule(RAPIER.CoefficientCombineRule.Max)
        .setFriction(o.friction)
        .setFrictionCombineRule(RAPIER.CoefficientCombineRule.Min)
        .setDensity(o.density)
        .setActiveEvents(RAPIER.ActiveEvents.COLLISION_EVENTS);
      world.createCollider(desc, body);
      return body;
    });
    const handleToIndex = new Map<number, number>();
    bodies.forEach((b, i) => handleToIndex.set(b.collider(0).handle, i));
    const poses: PhysicsTrace["poses"] = [];
    const contacts: PhysicsTrace["contacts"] = [];
    const sample = () => poses.push(bodies.map((b) => ({ x: b.translation().x, y: b.translation().y, angle: b.rotation() })));
    const events = new RAPIER.EventQueue(true);
    sample();
    for (let f = 1; f < opts.frames; f++) {
      for (let s = 0; s < substeps; s++) {
        world.step(events);
        events.drainCollisionEvents((h1, h2, started) => {
          if (!started) return;
          const a = handleToIndex.get(h1) ?? -1;
          const b = handleToIndex.get(h2) ?? -1;
          contacts.push({ frame: f, a: Math.max(a, b), b: Math.min(a, b) });
        });
      }
      sample();
    }
    events.free();
    return { fps: opts.fps, frames: opts.frames, poses, contacts };
  } finally {
    world.free();
  }
}
