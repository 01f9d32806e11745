import { fileURLToPath } from "node:url";
import { packChoices } from "./pack.ts";

/** The packs shipped in the repository. */
export const SHIPPED_MODELS = fileURLToPath(new URL("../../models", import.meta.url));
export const DEFAULT_PACK = "physics-tiny";

/** Folders of valid packs under the shipped folder, read once when the node catalogue is built. */
export function shippedPackNames(): [string, ...string[]] {
  const names = packChoices([SHIPPED_MODELS]);
  return names.length > 0 ? (names as [string, ...string[]]) : [DEFAULT_PACK];
}
