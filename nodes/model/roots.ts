import { fileURLToPath } from "node:url";
import { listPacks } from "./pack.ts";

/** The packs shipped in the repository. */
export const SHIPPED_MODELS = fileURLToPath(new URL("../../models", import.meta.url));
export const DEFAULT_PACK = "physics-tiny";

/** Names of valid packs under the shipped folder, read once when the node catalogue is built. */
export function shippedPackNames(): [string, ...string[]] {
  const names = listPacks([SHIPPED_MODELS]).filter((p) => p.manifest).map((p) => p.name);
  return names.length > 0 ? (names as [string, ...string[]]) : [DEFAULT_PACK];
}
