import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { withGifComment } from "../../nodes/video/containers.ts";
import videoWriter from "../../nodes/video/video-writer.ts";
import { generationWorkflow, makeCtx, movingSquare, sandbox } from "./helpers.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const bin = path.join(root, "bin/t2v.js");

/** The real CLI as a child process, from a cwd outside the repo. */
function t2v(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("t2v inspect", () => {
  it("prints a generated file's record as JSON and exits 0; exits non-zero with a message otherwise", async () => {
    const box = sandbox();
    const workflow = generationWorkflow();
    const { outputs } = await videoWriter.run(makeCtx(box, { workflow }), {
      frames: movingSquare({ frames: 6 }), format: "webm", fps: 0, crf: 32, quality: 90, loop: 0, pingpong: false, filename_prefix: "t2v", ai_mark: true,
    });
    const file = path.join(box.output, outputs.VIDEO.files[0].filename);

    const ok = t2v(box.root, "inspect", file);
    expect(ok.code).toBe(0);
    expect(ok.stderr).toBe("");
    const record = JSON.parse(ok.stdout);
    expect(record.ai_generated).toBe(true);
    expect(record.seed).toBe(4242);
    expect(record.workflow).toEqual(JSON.parse(JSON.stringify(workflow)));

    const plain = path.join(box.root, "plain.png");
    await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } }).png().toFile(plain);
    const none = t2v(box.root, "inspect", plain);
    expect(none.code).toBe(1);
    expect(none.stdout).toBe("");
    expect(none.stderr).toBe(`error: ${plain}: carries no t2v provenance record (not written by t2v-studio, or its metadata was stripped)\n`);

    const damaged = path.join(box.root, "damaged.gif");
    const gif = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } }).gif().toBuffer();
    writeFileSync(damaged, withGifComment(gif, '{"ai_generated":true,'));
    const bad = t2v(box.root, "inspect", damaged);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: .*damaged\.gif: the provenance record is damaged: not valid JSON/);
  });
});
