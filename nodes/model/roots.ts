import { fileURLToPath } from "node:url";
import { z } from "zod";
import { p, type ParamRole } from "../../core/node/definition.ts";
import type { PackKind } from "./manifest.ts";
import { findPack, packChoices } from "./pack.ts";

/** The packs shipped in the repository. */
export const SHIPPED_MODELS = fileURLToPath(new URL("../../models", import.meta.url));
export const DEFAULT_PACK = "physics-tiny";

/**
 * A loader's pack-name param over `roots` (read at each use, so a pack copied into a models folder
 * after start-up is seen): its choices are rescanned whenever the catalogue is served, and a name
 * that is not there is refused by validation with the names that are.
 */
export function packParam(roots: readonly string[], kind: PackKind, fallback: string, ui: { description: string; role?: ParamRole }) {
  const what = kind === "video" ? "model pack" : `${kind} pack`;
  const schema = z
    .string()
    .min(1)
    .superRefine((name, ctx) => {
      const found = findPack(roots, name, kind);
      if (found?.error) ctx.addIssue({ code: "custom", message: found.error });
      if (found) return;
      ctx.addIssue({ code: "custom", message: `no ${what} named "${name}" (available: ${packChoices(roots, kind).join(", ") || "none"})` });
    })
    .default(fallback);
  return p.custom(schema, { kind: "choice", choices: () => packChoices(roots, kind), ...ui });
}
