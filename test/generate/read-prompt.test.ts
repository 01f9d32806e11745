import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPrompt } from "../../nodes/generate/read-prompt.ts";
import { encodePrompt } from "../../nodes/generate/text-encode.ts";
import { readManifest } from "../../nodes/model/pack.ts";
import { openPack, type LoadedPack } from "../../nodes/model/runtime.ts";
import { phrase } from "../../nodes/physics/phrase.ts";
import { createRng } from "../../nodes/physics/rng.ts";
import { clipSeed, sampleDescription } from "../../nodes/physics/sample.ts";
import { paraphrase } from "../../training/eval/paraphrase.ts";
import { testEngine, template, withParams } from "./helpers.ts";

const PACK = "models/physics-tiny";

describe("the shipped pack's prompt reader", { timeout: 120_000 }, () => {
  let pack: LoadedPack;
  beforeAll(async () => { pack = await openPack(PACK, "cpu", true); });
  afterAll(async () => { await pack.release(); });

  it("leaves the grammar's own phrasings as typed, and a prompt naming nothing of a scene", async () => {
    expect(await readPrompt(pack, "a red ball falls and bounces on the ground")).toBeUndefined();
    expect(await readPrompt(pack, "Two red balls fall, at night.")).toBeUndefined();
    for (let i = 0; i < 50; i++) {
      const d = sampleDescription(clipSeed(1, i, "heldout"), "heldout");
      expect(await readPrompt(pack, phrase(d, createRng(i)))).toBeUndefined();
    }
    expect(await readPrompt(pack, "blurry, low quality, watermark")).toBeUndefined();
    expect(await readPrompt(pack, "")).toBeUndefined();
    expect(await readPrompt({ ...pack, read: undefined }, "Three huge blue cubes get hurled to the left!")).toBeUndefined();
  });

  it("reads a prompt in other words into its scene, phrased in the grammar's words", async () => {
    const r = await readPrompt(pack, "At night, three huge blue cubes get hurled to the left!");
    expect(r?.description).toMatchObject({ shape: "box", color: "blue", size: "large", count: 3, motion: "thrown_left", background: "night", walls: false });
    expect(r?.text).toBe(phrase(r!.description, createRng(0)));
    expect(pack.tokenize(r!.text).unknown).toEqual([]);
    // The grammar's words in another order are read too: the text encoder was trained on the order.
    const reordered = await readPrompt(pack, "at night two red balls fall");
    expect(reordered?.description).toMatchObject({ shape: "ball", color: "red", count: 2, motion: "falls", background: "night" });
    expect(reordered?.text).toBe(phrase(reordered!.description, createRng(0)));
    const z = await readPrompt(pack, "a red zeppelin falls");
    expect(z?.unknown).toEqual(["zeppelin"]);
    expect(z?.description).toMatchObject({ color: "red", count: 1, motion: "falls" });
  });

  it("reads a colour the palette lacks as the nearest it has, as the parser does", async () => {
    const r = await readPrompt(pack, "At night, three huge pink cubes get hurled to the left!");
    expect(r?.description).toMatchObject({ color: "red", shape: "box", count: 3, motion: "thrown_left" });
    expect(r?.unknown).toEqual([]);
  });

  // Only the order of the two sides tells these apart; pack 1.4.0 read three of the six the wrong way.
  it("reads a sideways motion told by where it starts and ends, in a short prompt", async () => {
    const cases = [
      ["a green ball rolls from left to right", "rolls_right"], ["a green ball rolls from right to left", "rolls_left"],
      ["two blue boxes slide from left to right at night", "rolls_right"], ["two blue boxes slide from right to left at night", "rolls_left"],
      ["a red triangle is thrown from left to right", "thrown_right"], ["a red triangle is thrown from right to left", "thrown_left"],
    ] as const;
    for (const [prompt, motion] of cases) expect((await readPrompt(pack, prompt))?.description.motion, prompt).toBe(motion);
  });

  // Pack 1.5.0 read the first as a throw, the second as a plain material, the third as two objects.
  it("reads a fall from way up, a material told after the noun, and two objects and a third", async () => {
    const cases = [
      ["two green balls drop from way up", { motion: "falls", count: 2 }],
      ["a huge blue cube that weighs a ton falls at night", { material: "heavy", motion: "falls", background: "night" }],
      ["two blue boxes crash together and a third one falls in from above", { count: 3, motion: "collide" }],
    ] as const;
    for (const [prompt, d] of cases) expect((await readPrompt(pack, prompt))?.description, prompt).toMatchObject(d);
  });

  // The reader alone takes these for black and red objects (pack 1.6.0's reader; 1.5.0's too).
  it("takes the objects' colour from the prompt where the reader took the setting's", async () => {
    const cases = [
      ["a white box falls against a black starry sky", "white"], ["a yellow ball rolls to the left under a red sky", "yellow"],
      ["a red ball falls under a red sky", "red"], ["two green cubes slide to the left on green grass", "green"],
    ] as const;
    for (const [prompt, color] of cases) expect((await readPrompt(pack, prompt))?.description.color, prompt).toBe(color);
  });

  // Past the text encoder's 24 words: the setting and the walls come last. Pack 1.4.0 stopped at 24.
  it("reads a long prompt to its end, and says where it stops", async () => {
    const prompt = "Three huge purple triangles in a row: two of them come at each other from opposite sides and crash, while one more drops in from above, on the sand by the sea with walls at both edges";
    const r = await readPrompt(pack, prompt);
    expect(r?.description).toMatchObject({ count: 3, motion: "collide", background: "beach", walls: true });
    expect((await encodePrompt(pack, prompt)).notes.some((n) => n.includes("reads the first"))).toBe(false);
    const longer = `${prompt}, ${"and it is all very nice to look at ".repeat(2)}`;
    expect((await encodePrompt(pack, longer)).notes).toContain(`prompt has 55 words; the model reads the first ${pack.manifest.reader!.max_length}`);
  });

  // Held-out scenes the reader never trained on, in the eval's first paraphrase split: a reader
  // whose outputs are wired to the wrong fields, or read in the wrong order, fails this.
  it("reads held-out scenes in people's words field by field", async () => {
    const fields = ["shape", "color", "count", "motion", "background"] as const;
    const right = Object.fromEntries(fields.map((f) => [f, 0])) as Record<(typeof fields)[number], number>;
    const n = 60;
    for (let i = 0; i < n; i++) {
      const seed = clipSeed(1, i, "heldout");
      const d = sampleDescription(seed, "heldout");
      const r = await readPrompt(pack, paraphrase(d, seed));
      for (const f of fields) if (r?.description[f] === d[f]) right[f]++;
    }
    for (const f of fields) expect(right[f] / n, f).toBeGreaterThanOrEqual(0.9);
  });

  it("Text Encode encodes the grammar's phrasing of what it read", async () => {
    const prompt = "At night, three huge blue cubes get hurled to the left!";
    const reading = await readPrompt(pack, prompt);
    const encoded = await encodePrompt(pack, prompt);
    expect(encoded.features).toEqual(await pack.encodeText(pack.tokenize(reading!.text).ids, 1));
    expect(encoded.features).not.toEqual(await pack.encodeText(pack.tokenize(prompt).ids, 1));
    expect(encoded.notes).toEqual([`read as "${reading!.text}"`]);
  });

  it("Text Encode shows what it read and the words it read around", async () => {
    const engine = testEngine();
    const r = await engine.run(withParams(template(), "2", { text: "a red zeppelin falls" }), { targets: ["2"] });
    const notes = r.outputs["2"]?.text as string[];
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/^read as "a red (ball|box|triangle) falls/);
    expect(notes[1]).toBe("not in the model's vocabulary: zeppelin");
  });

  it("Physics Scene reads the prompt with the pack wired to it, and by its rules without", async () => {
    const prompt = "At night, three huge blue cubes get hurled to the left!";
    const engine = testEngine();
    const wired = await engine.run(withParams(template("physics-guided.json"), "10", { prompt }), { targets: ["10"] });
    expect(wired.status).toBe("success");
    const reading = await readPrompt(pack, prompt);
    expect(wired.outputs["10"]?.text).toContain(`read as "${reading!.text}"`);
    // Thrown to the left as read; the rule-based parser alone does not know "hurled".
    const scene = (wired.outputs["10"]?.scene as { objects: { velocity: { x: number } }[] }[])[0]!;
    expect(scene.objects).toHaveLength(3);
    for (const o of scene.objects) expect(o.velocity.x).toBeLessThan(0);
    const unwired = template("physics-guided.json");
    const plain = await engine.run({ ...withParams(unwired, "10", { prompt }), links: unwired.links.filter((l) => l.to.node !== "10") }, { targets: ["10"] });
    expect(plain.status).toBe("success");
    expect((plain.outputs["10"]?.text as string[]).some((t) => t.startsWith("read as"))).toBe(false);
  });

  it("a reader section naming an output the reader lacks fails with the field named, not a wrong reading", async () => {
    const dir = mkdtempSync(join(tmpdir(), "t2v-reader-"));
    cpSync(PACK, dir, { recursive: true });
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { reader: { fields: Record<string, string[]> } };
    m.reader.fields.mood = ["calm", "wild"];
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(m));
    const broken = await openPack(dir, "cpu", true);
    await expect(readPrompt(broken, "At night, three huge blue cubes get hurled to the left!")).rejects.toThrow(/reader's output "mood" is missing .*reader\.fields\.mood/);
    await broken.release();
  });

  it("a manifest with a reader section but no reader files is refused", () => {
    const dir = mkdtempSync(join(tmpdir(), "t2v-reader-"));
    cpSync(PACK, dir, { recursive: true });
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { files: Record<string, unknown> };
    delete m.files.reader;
    writeFileSync(join(dir, "manifest.json"), JSON.stringify(m));
    expect(() => readManifest(dir)).toThrow(/reader: a reader needs files\.reader and files\.reader_tokenizer/);
  });
});
