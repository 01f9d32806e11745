import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTokenizer, readManifest } from "../../nodes/model/pack.ts";
import { parsePrompt } from "../../nodes/physics/parse.ts";
import { createRng } from "../../nodes/physics/rng.ts";
import { isHeldOut, sampleDescription } from "../../nodes/physics/sample.ts";
import { augmentedPhrase, pairOf, readMeta } from "../../training/augment.ts";
import { canonicalPhrase } from "../../nodes/physics/phrase.ts";
import { richPhrase } from "../../training/phrasings.ts";

describe("training paraphrases for the text encoder", () => {
  it("phrase training scenes only, deterministically, and name the scene's colour", () => {
    for (let i = 0; i < 500; i++) {
      const d = sampleDescription(7 * 1_000_003 + i, "train");
      expect(isHeldOut(d)).toBe(false);
      const text = augmentedPhrase(d, createRng(i));
      expect(augmentedPhrase(d, createRng(i))).toBe(text);
      expect(text.toLowerCase()).toContain(d.color);
    }
  });

  it("pair each with a grammar phrasing the shipped tokenizer reads without a gap, and that parses back to the scene", () => {
    const tokenize = loadTokenizer("models/physics-tiny", readManifest("models/physics-tiny"));
    for (let i = 0; i < 200; i++) {
      const d = sampleDescription(i, "train");
      const target = canonicalPhrase(d);
      expect(tokenize(target).unknown).toEqual([]);
      expect(parsePrompt(target).description).toMatchObject({ color: d.color, shape: d.shape, count: d.count, background: d.background });
    }
  });
});

describe("the wider clause shapes (augment.ts --rich)", () => {
  const scenes = Array.from({ length: 600 }, (_, i) => sampleDescription(13 * 1_000_003 + i, "train"));

  it("keep the scene's colour and, for sideways motions, the direction, deterministically", () => {
    scenes.forEach((d, i) => {
      const text = richPhrase(d, createRng(i));
      expect(richPhrase(d, createRng(i))).toBe(text);
      const lower = text.toLowerCase();
      expect(lower).toContain(d.color);
      const dir = /_(left|right)$/.exec(d.motion)?.[1];
      if (dir) expect(lower, text).toMatch(new RegExp(`\\b${dir}`));
      expect(text, "no doubled spaces or commas").not.toMatch(/ {2}|,\s*,|^\s|\s$/);
    });
  });

  it("agree the verb with the number of objects", () => {
    const singular = / (is|falls|drops|rolls|slides|flies|rises) /;
    const plural = / (are|fall|drop|roll|slide|fly|rise) /;
    for (const [i, d] of scenes.entries()) {
      const text = richPhrase(d, createRng(i)).toLowerCase();
      if (d.count > 1) expect(text, text).not.toMatch(/(balls|boxes|cubes|spheres|triangles|wedges|blocks) (is|falls|drops|rolls|slides|flies|rises) /);
      else expect(text, text).not.toMatch(/(ball|box|cube|sphere|triangle|wedge|block) (are|fall|drop|roll|slide|fly|rise) /);
    }
    expect(scenes.some((d, i) => d.count > 1 && plural.test(richPhrase(d, createRng(i))))).toBe(true);
    expect(scenes.some((d, i) => d.count === 1 && singular.test(richPhrase(d, createRng(i))))).toBe(true);
  });

  it("are drawn for the share asked, and not at all by default", () => {
    const d = scenes[0]!;
    const texts = (rich: number) => { const rng = createRng(5); return Array.from({ length: 400 }, () => pairOf(d, 0, rng, rich).text); };
    const old = (() => { const rng = createRng(5); return Array.from({ length: 400 }, () => augmentedPhrase(d, (rng.chance(0), rng))); })();
    expect(texts(0)).toEqual(old);
    expect(texts(1)).not.toEqual(old);
  });
});

describe("paraphrases for a rendered training split (augment.ts --meta)", () => {
  const write = (lines: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), "augment-"));
    const file = join(dir, "meta.jsonl");
    writeFileSync(file, lines.join("\n") + "\n");
    return { dir, file };
  };

  it("reads each clip's description and pairs its paraphrases with a grammar phrasing of the same scene", () => {
    const scenes = [0, 1, 2].map((i) => sampleDescription(11 * 1_000_003 + i, "train"));
    const { dir, file } = write(scenes.map((description, i) => JSON.stringify({ i, seed: i, description, objects: description.count })));
    try {
      const meta = readMeta(file);
      expect(meta.map((m) => m.i)).toEqual([0, 1, 2]);
      const rng = createRng(3);
      for (const m of meta) {
        const { text, target } = pairOf(m.description, 0, rng);
        expect(text).not.toBe(target);
        expect(target).toBe(canonicalPhrase(m.description));
        expect(parsePrompt(target).description).toMatchObject({ color: m.description.color, count: m.description.count });
      }
      const kept = pairOf(meta[0]!.description, 1, rng);
      expect(kept.text).toBe(kept.target);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a held-out scene and a malformed line, naming the file and line", () => {
    let heldOut = sampleDescription(0, "heldout");
    for (let s = 1; !isHeldOut(heldOut); s++) heldOut = sampleDescription(s, "heldout");
    const train = sampleDescription(5, "train");
    const a = write([JSON.stringify({ i: 0, description: train }), JSON.stringify({ i: 1, description: heldOut })]);
    const b = write([JSON.stringify({ i: 0, description: { ...train, color: 7 } })]);
    try {
      expect(() => readMeta(a.file)).toThrow(/meta\.jsonl line 2: a held-out scene \(clip 1\)/);
      expect(() => readMeta(b.file)).toThrow(/meta\.jsonl line 1: description\.color/);
    } finally {
      rmSync(a.dir, { recursive: true, force: true });
      rmSync(b.dir, { recursive: true, force: true });
    }
  });
});
