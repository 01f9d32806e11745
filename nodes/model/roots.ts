import { fileURLToPath } from "node:url";
import type { PackKind } from "./manifest.ts";
import { packChoices } from "./pack.ts";

/** The packs shipped in the repository. */
export const SHIPPED_MODELS = fileURLToPath(new URL("../../models", import.meta.url));
export const DEFAULT_PACK = "physics-tiny";

/** Folders of valid packs of `kind` under the shipped folder (or the default, when none), read once when the node catalogue is built. */
export function shippedPackNames(kind: PackKind = "video", fallback = DEFAULT_PACK): [string, ...string[]] {
  const names = packChoices([SHIPPED_MODELS], kind);
  return names.length > 0 ? (names as [string, ...string[]]) : [fallback];
}
