// One colour per socket type, for handles and wires (ComfyUI's palette where it has the type).
const COLORS: Record<string, string> = {
  MODEL: "#b39ddb",
  TEXT_ENCODER: "#ffd54f",
  DECODER: "#ff8a80",
  ENCODER: "#ef9a9a",
  UPSCALE_MODEL: "#a1887f",
  CONDITIONING: "#ffa931",
  LATENT: "#ff9cf9",
  SIGMAS: "#cddc39",
  SAMPLER: "#ecb4b4",
  GUIDANCE: "#4dd0e1",
  FRAMES: "#64b5f6",
  VIDEO: "#2196f3",
  IMAGE: "#64b5f6",
  PHYSICS_SCENE: "#81c784",
  PHYSICS_TRACE: "#43a047",
  INT: "#29b6f6",
  FLOAT: "#26a69a",
  STRING: "#90a4ae",
  BOOLEAN: "#8bc34a",
  "*": "#bdbdbd",
};

/** A union ("FRAMES,VIDEO") takes its first member's colour; unknown types are grey. */
export function socketColor(type: string): string {
  const first = type.split(",")[0]?.trim() ?? type;
  return COLORS[first] ?? COLORS["*"];
}
