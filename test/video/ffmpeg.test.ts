import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { locateFfmpeg } from "../../nodes/video/ffmpeg.ts";
import { readProvenance } from "../../nodes/video/provenance.ts";
import videoWriter from "../../nodes/video/video-writer.ts";
import { generationWorkflow, makeCtx, movingSquare, probe, sandbox } from "./helpers.ts";

const saved = process.env.T2V_FFMPEG;
afterEach(() => {
  if (saved === undefined) delete process.env.T2V_FFMPEG;
  else process.env.T2V_FFMPEG = saved;
});

describe("ffmpeg locator", () => {
  it("uses the binary shipped in @ffmpeg-installer/ffmpeg by default", () => {
    delete process.env.T2V_FFMPEG;
    const bin = locateFfmpeg();
    expect(bin.source).toBe("@ffmpeg-installer/ffmpeg");
    expect(bin.path).toMatch(/@ffmpeg-installer\/[\w-]+\/ffmpeg(\.exe)?$/);
  });

  it("honours T2V_FFMPEG (here Debian's ffmpeg), which writes and reads the same record", async () => {
    process.env.T2V_FFMPEG = "/usr/bin/ffmpeg";
    expect(locateFfmpeg()).toEqual({ path: "/usr/bin/ffmpeg", source: "T2V_FFMPEG" });
    const box = sandbox();
    const workflow = generationWorkflow();
    const { outputs } = await videoWriter.run(makeCtx(box, { workflow }), {
      frames: movingSquare({ frames: 6 }), format: "mp4", fps: 0, crf: 20, quality: 90, loop: 0, pingpong: false, filename_prefix: "t2v", ai_mark: true,
    });
    const file = path.join(box.output, outputs.VIDEO.files[0].filename);
    expect(probe(file)).toMatchObject({ codec: "h264", frames: 6 });
    expect((await readProvenance(file)).workflow).toEqual(JSON.parse(JSON.stringify(workflow)));
  });

  it("says what to do when T2V_FFMPEG points nowhere", () => {
    process.env.T2V_FFMPEG = "/nonexistent/ffmpeg";
    expect(() => locateFfmpeg()).toThrow("T2V_FFMPEG=/nonexistent/ffmpeg is not an executable file");
  });
});
