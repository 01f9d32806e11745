// Socket types and the one connection rule. No Node-only imports: the editor imports this too.

export const MODEL = "MODEL";
export const TEXT_ENCODER = "TEXT_ENCODER";
export const DECODER = "DECODER";
export const ENCODER = "ENCODER";
export const UPSCALE_MODEL = "UPSCALE_MODEL";
export const CONDITIONING = "CONDITIONING";
export const LATENT = "LATENT";
export const SIGMAS = "SIGMAS";
export const GUIDANCE = "GUIDANCE";
export const FRAMES = "FRAMES";
export const VIDEO = "VIDEO";
export const PHYSICS_SCENE = "PHYSICS_SCENE";
export const PHYSICS_TRACE = "PHYSICS_TRACE";
export const INT = "INT";
export const FLOAT = "FLOAT";
export const STRING = "STRING";
export const BOOLEAN = "BOOLEAN";
export const ANY = "*";

export const SOCKET_TYPES = [
  MODEL, TEXT_ENCODER, DECODER, ENCODER, UPSCALE_MODEL, CONDITIONING, LATENT, SIGMAS, GUIDANCE,
  FRAMES, VIDEO, PHYSICS_SCENE, PHYSICS_TRACE, INT, FLOAT, STRING, BOOLEAN, ANY,
] as const;

export type SocketType = (typeof SOCKET_TYPES)[number];

/** Socket types that can carry a widget value (a param converted to an input). */
export const PRIMITIVE_TYPES: readonly string[] = [INT, FLOAT, STRING, BOOLEAN];

function typeSet(t: string): string[] {
  return t.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

/**
 * Whether an output of type `outType` may feed an input of type `inType`.
 * Equal types connect, "*" connects to anything, and either side may be a
 * comma-separated union ("FRAMES,VIDEO") as in ComfyUI: any shared member connects.
 */
export function canConnect(outType: string, inType: string): boolean {
  if (outType === ANY || inType === ANY) return true;
  if (outType === inType) return true;
  const outs = typeSet(outType);
  const ins = typeSet(inType);
  return outs.some((o) => o === ANY || ins.includes(o) || ins.includes(ANY));
}
