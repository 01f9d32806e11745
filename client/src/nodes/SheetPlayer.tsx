// Plays a preview contact sheet (the server tiles a clip's frames row-major, see
// server/protocol.ts previewMetadataSchema) as a looping animation on a canvas.
// Each new sheet (the next denoising step) swaps in without restarting the loop.
import { memo, useEffect, useRef } from "react";
import { frameRect } from "../../../core/protocol.ts";
import type { Preview } from "../store/types.ts";

function SheetPlayerView({ preview, fps = 8 }: { preview: Preview; fps?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const bitmap = useRef<ImageBitmap | undefined>(undefined);
  const frame = useRef(0);
  const meta = useRef(preview);
  meta.current = preview;

  useEffect(() => {
    let live = true;
    void createImageBitmap(preview.sheet).then((b) => {
      if (!live) return b.close();
      bitmap.current?.close();
      bitmap.current = b;
    });
    return () => {
      live = false;
    };
  }, [preview.sheet]);

  useEffect(() => {
    const draw = () => {
      const c = canvas.current;
      const b = bitmap.current;
      const p = meta.current;
      if (!c || !b) return;
      const { frame_width: w, frame_height: h } = p.layout;
      if (c.width !== w || c.height !== h) [c.width, c.height] = [w, h];
      const i = frame.current % Math.max(1, p.frameCount);
      const r = frameRect(p.layout, i);
      c.getContext("2d")?.drawImage(b, r.x, r.y, r.width, r.height, 0, 0, w, h);
      c.dataset.frame = String(i);
      frame.current = i + 1;
    };
    const t = setInterval(draw, 1000 / fps);
    return () => clearInterval(t);
  }, [fps]);

  useEffect(() => () => bitmap.current?.close(), []);

  return (
    <div className="player">
      <canvas
        ref={canvas}
        className="preview-canvas"
        data-testid="preview"
        data-step={preview.step ?? ""}
        data-steps={preview.steps ?? ""}
        data-frames={preview.frameCount}
      />
      {preview.step !== undefined && (
        <div className="player-caption">
          step {preview.step}/{preview.steps ?? "?"} · {preview.frameCount} frames
        </div>
      )}
    </div>
  );
}

export const SheetPlayer = memo(SheetPlayerView);
