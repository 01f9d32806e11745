// Physics Guidance warns when the pack's autoencoder cannot show an object of the simulated scene.
import { describe, expect, it } from "vitest";
import { template, testEngine, withParams } from "../generate/helpers.ts";

/** Runs the physics-guided template up to its Physics Guidance node; returns what the nodes warned and what the guidance node shows. */
async function guidanceWarnings(prompt: string, seed: number): Promise<{ warned: string[]; shown: unknown }> {
  const engine = testEngine();
  const warned: string[] = [];
  engine.on("warning", (e) => void warned.push(e.message));
  const wf = withParams(template("physics-guided.json"), "10", { prompt, seed });
  const r = await engine.run(wf, { targets: ["12"] });
  expect(r.status).toBe("success");
  return { warned, shown: r.outputs["12"]?.text };
}

describe("Physics Guidance and objects the autoencoder cannot show", { timeout: 120_000 }, () => {
  it("names each tiny black triangle on the night sky, and nothing in a clear scene", async () => {
    const night = await guidanceWarnings("two tiny black triangles are thrown to the left under the night sky", 3);
    expect(night.warned.length).toBeGreaterThan(0);
    expect(night.warned.every((w) => /object [12] \(small black triangle on the night background\) keeps \d+% of its contrast/.test(w))).toBe(true);
    // The node shows the same notes on the canvas.
    expect(night.shown).toEqual(night.warned);
    expect(await guidanceWarnings("a large red ball falls and bounces on the ground", 3)).toEqual({ warned: [], shown: undefined });
  });
});
