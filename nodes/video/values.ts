// The VIDEO socket value: files a writer put in the output folder, registered with the node API.
import type { FileRef } from "../../core/node/definition.ts";

export const VIDEO_FORMATS = ["mp4", "webm", "webp", "gif"] as const;
export type VideoFormat = (typeof VIDEO_FORMATS)[number];
/** The `format` VideoHelperSuite lists with each file. */
export const VIDEO_MIME: Record<VideoFormat, string> = { mp4: "video/h264-mp4", webm: "video/vp9-webm", webp: "image/webp", gif: "image/gif" };

/** One file per clip of the batch, all with the same geometry and timing. */
export interface Video {
  files: FileRef[];
  format: VideoFormat;
  fps: number;
  /** Frames in each file (after ping-pong). */
  frames: number;
  /** Pixel size in the files (mp4 pads odd sizes to even). */
  width: number;
  height: number;
}

declare module "../../core/node/definition.ts" {
  interface SocketValues {
    VIDEO: Video;
  }
}
