import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { FRAMES } from "../../core/node/sockets.ts";
import { defineNode, p, type FileRef } from "../../core/node/definition.ts";
import { asciiJson, xmpPacket } from "./containers.ts";
import { reserveFolder } from "./output-path.ts";
import { GENERATOR } from "./provenance.ts";
import { frameGetter, playOrder, recordsFor } from "./video-writer.ts";
import "../model/values.ts";

export default defineNode({
  type: "t2v.SaveFrames",
  version: 1,
  title: "Save Frames",
  category: "video",
  description:
    "Writes each clip as a PNG sequence into a new folder, output/<prefix>_00001/frame_00001.png …, for editing elsewhere. " +
    "Every PNG carries the provenance record in an XMP text chunk.",
  inputs: { frames: { type: FRAMES } },
  params: {
    filename_prefix: p.text({ default: "t2v_frames", description: 'Folder name before the counter; "clips/run" writes output/clips/run_00001/' }),
    compression: p.int({ default: 6, min: 0, max: 9, description: "PNG zlib level" }),
    ai_mark: p.toggle({ default: true, description: 'Burn a small "AI-GENERATED" label into the bottom-right corner' }),
  },
  outputs: {},
  output: true,
  run: async (ctx, { frames, filename_prefix, compression, ai_mark }) => {
    const order = playOrder(frames.frames, false);
    const records = recordsFor(ctx, frames.batch);
    const tool = `${GENERATOR.name} ${GENERATOR.version}`;
    const images: FileRef[] = [];
    for (let b = 0; b < frames.batch; b++) {
      const folder = await reserveFolder(ctx.services.paths.output, filename_prefix);
      const subfolder = path.posix.join(folder.ref.subfolder, folder.ref.filename);
      const xmp = xmpPacket(asciiJson(records[b]), tool, records[b].created);
      const frame = frameGetter(frames, b, order, ai_mark);
      try {
        for (let i = 0; i < order.length; i++) {
          ctx.signal.throwIfAborted();
          const png = await sharp(frame(i), { raw: { width: frames.width, height: frames.height, channels: 3 } })
            .png({ compressionLevel: compression })
            .withXmp(xmp)
            .toBuffer();
          const filename = `frame_${String(i + 1).padStart(5, "0")}.png`;
          // The folder is new and ours; "wx" still refuses to replace anything.
          await writeFile(path.join(folder.path, filename), png, { flag: "wx" });
          images.push({ filename, subfolder, type: "output" });
          ctx.progress(b * order.length + i + 1, frames.batch * order.length);
        }
      } catch (err) {
        await rm(folder.path, { recursive: true, force: true });
        throw err;
      }
    }
    return { outputs: {}, ui: { images } };
  },
});
