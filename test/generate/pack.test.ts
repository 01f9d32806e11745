import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findPack, listPacks, packChoices, readManifest, verifyPack } from "../../nodes/model/pack.ts";
import { SHIPPED_MODELS } from "../../nodes/model/roots.ts";

const PACK = join(SHIPPED_MODELS, "physics-tiny");

describe("the shipped model pack", () => {
  it("loads through the manifest schema and its files match their hashes", () => {
    const m = readManifest(PACK);
    expect(m.name).toBe("physics-tiny");
    expect(m.prediction.type).toBe("flow");
    expect(verifyPack(PACK, m)).toEqual([]);
    expect(m.preview.latent_rgb).toHaveLength(m.latent.channels);
  });

  it("stays within 40 MB", () => {
    const m = readManifest(PACK);
    const bytes = Object.values(m.files).reduce((a, f) => a + (f ? readFileSync(join(PACK, f.path)).length : 0), 0);
    expect(bytes).toBeLessThan(40 * 1024 * 1024);
  });

  it("a broken manifest is refused with the pack and the field named", () => {
    const dir = mkdtempSync(join(tmpdir(), "t2v-pack-"));
    const copy = join(dir, "broken");
    cpSync(PACK, copy, { recursive: true });
    const m = JSON.parse(readFileSync(join(copy, "manifest.json"), "utf8"));
    delete m.latent.scale;
    m.defaults.steps = -3;
    writeFileSync(join(copy, "manifest.json"), JSON.stringify(m));
    expect(() => readManifest(copy)).toThrow(/broken.*manifest\.json is invalid[\s\S]*latent\.scale[\s\S]*defaults\.steps/);
    const listed = listPacks([dir]);
    expect(listed).toHaveLength(1);
    expect(listed[0]!.error).toMatch(/latent\.scale/);
  });

  it("a copied pack folder is listed and found by its folder name, and never stands in for the original", () => {
    const dir = mkdtempSync(join(tmpdir(), "t2v-pack-"));
    // "a-copy" sorts first and keeps the manifest's name "physics-tiny", as a folder copied to tweak would.
    for (const name of ["a-copy", "physics-tiny"]) cpSync(PACK, join(dir, name), { recursive: true });
    const renamed = join(dir, "z-folder");
    cpSync(PACK, renamed, { recursive: true });
    const m = JSON.parse(readFileSync(join(renamed, "manifest.json"), "utf8"));
    writeFileSync(join(renamed, "manifest.json"), JSON.stringify({ ...m, name: "renamed" }));
    expect(findPack([dir], "physics-tiny")?.dir).toBe(join(dir, "physics-tiny"));
    expect(findPack([dir], "a-copy")?.dir).toBe(join(dir, "a-copy"));
    expect(findPack([dir], "renamed")?.dir).toBe(renamed);
    expect(findPack([dir], "z-folder")?.dir).toBe(renamed);
    expect(findPack([dir], "missing")).toBeUndefined();
    // What the editor and GET /models/packs offer is what findPack resolves: one entry per folder.
    expect(packChoices([dir])).toEqual(["a-copy", "physics-tiny", "z-folder"]);
    for (const choice of packChoices([dir])) expect(findPack([dir], choice)?.folder).toBe(choice);
  });
});
