import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { asciiJson, gifComments, withGifComment } from "../../nodes/video/containers.ts";
import { ProvenanceError, readProvenance } from "../../nodes/video/provenance.ts";
import videoWriter from "../../nodes/video/video-writer.ts";
import { generationWorkflow, makeCtx, movingSquare, sandbox } from "./helpers.ts";

async function problem(file: string): Promise<string> {
  try {
    await readProvenance(file);
    return "none";
  } catch (err) {
    expect(err).toBeInstanceOf(ProvenanceError);
    expect((err as Error).message.startsWith(`${file}: `)).toBe(true);
    return (err as ProvenanceError).problem;
  }
}

describe("readProvenance", () => {
  it("tells a file without a record, a damaged record, another file type and a missing file apart", async () => {
    const box = sandbox();
    const plainPng = path.join(box.root, "plain.png");
    await sharp({ create: { width: 8, height: 8, channels: 3, background: "#123456" } }).png().toFile(plainPng);
    const plainMp4 = path.join(box.root, "plain.mp4");
    execFileSync("/usr/bin/ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "testsrc=s=32x32:d=0.5", "-c:v", "libx264", "-y", plainMp4]);
    const plainGif = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#123456" } }).gif().toBuffer();
    const damagedGif = path.join(box.root, "damaged.gif");
    writeFileSync(damagedGif, withGifComment(plainGif, '{"ai_generated":true,"schema":1,"generator":'));
    const wrongGif = path.join(box.root, "wrong.gif");
    writeFileSync(wrongGif, withGifComment(plainGif, '{"ai_generated":"maybe","schema":1}'));
    const text = path.join(box.root, "notes.txt");
    writeFileSync(text, "hello, not a video");

    expect(await problem(plainPng)).toBe("missing");
    expect(await problem(plainMp4)).toBe("missing");
    expect(await problem(damagedGif)).toBe("damaged");
    expect(await problem(wrongGif)).toBe("damaged");
    expect(await problem(text)).toBe("unsupported");
    expect(await problem(path.join(box.root, "nope.mp4"))).toBe("unreadable");
  });

  it("round-trips non-ASCII prompts through every container (ASCII-escaped JSON)", async () => {
    const wf = generationWorkflow();
    const prompt = "un ballon rouge — 赤いボール 🎈";
    wf.nodes[1].params.text = prompt;
    const box = sandbox();
    for (const format of ["mp4", "webm", "webp", "gif"] as const) {
      const ctx = makeCtx(box, { workflow: wf });
      const { outputs } = await videoWriter.run(ctx, { frames: movingSquare({ frames: 4 }), format, fps: 0, crf: 30, quality: 80, loop: 0, pingpong: false, filename_prefix: "u", ai_mark: false });
      const record = await readProvenance(path.join(box.output, outputs.VIDEO.files[0].filename));
      expect(record.prompt, format).toBe(prompt);
    }
    expect(asciiJson({ p: prompt })).toMatch(/^[\x20-\x7e]+$/);
  });

  it("records workflow null (not a guess) when a node runs outside the engine", async () => {
    const box = sandbox();
    const ctx = makeCtx(box);
    const { outputs } = await videoWriter.run(ctx, { frames: movingSquare({ frames: 4 }), format: "gif", fps: 0, crf: 18, quality: 90, loop: 0, pingpong: false, filename_prefix: "t2v", ai_mark: true });
    const file = path.join(box.output, outputs.VIDEO.files[0].filename);
    const record = await readProvenance(file);
    expect(record).toMatchObject({ ai_generated: true, workflow: null, prompt: null, seed: null, model: { pack: null, hash: null } });
    expect(gifComments(readFileSync(file))).toHaveLength(1);
  });
});
