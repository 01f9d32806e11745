import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePrefix, reserveFile, reserveFolder } from "../../nodes/video/output-path.ts";
import { sandbox } from "./helpers.ts";

describe("filename_prefix", () => {
  it("keeps plain names and subfolders, and sanitises odd characters", () => {
    expect(parsePrefix("t2v")).toEqual({ subfolder: "", name: "t2v" });
    expect(parsePrefix("clips/run")).toEqual({ subfolder: "clips", name: "run" });
    expect(parsePrefix("clips\\2025//run")).toEqual({ subfolder: "clips/2025", name: "run" });
    expect(parsePrefix('we:ird*na"me?<>|')).toEqual({ subfolder: "", name: "we_ird_na_me____" });
    expect(parsePrefix(".hidden/ café clip. ")).toEqual({ subfolder: "hidden", name: "café clip" });
  });

  it("refuses what would leave the output folder, naming the field", () => {
    for (const bad of ["../evil", "clips/../../evil", "/abs/evil", "C:\\evil", "~/evil", "a\0b", "line\nbreak", "", "  ", "./x", "..."]) {
      expect(() => parsePrefix(bad), JSON.stringify(bad)).toThrow(/^filename_prefix: /);
    }
  });
});

describe("reserving output names", () => {
  it("counts past existing files of any extension and never touches them", async () => {
    const box = sandbox();
    writeFileSync(path.join(box.output, "t2v_00007.gif"), "keep me");
    const r = await reserveFile(box.output, "t2v", "mp4");
    expect(r.ref).toEqual({ filename: "t2v_00008.mp4", subfolder: "", type: "output" });
    expect(readFileSync(path.join(box.output, "t2v_00007.gif"), "utf8")).toBe("keep me");
  });

  it("gives concurrent writers distinct names (exclusive create)", async () => {
    const box = sandbox();
    const all = await Promise.all(Array.from({ length: 12 }, () => reserveFile(box.output, "clips/run", "webm")));
    const names = new Set(all.map((r) => r.ref.filename));
    expect(names.size).toBe(12);
    expect(readdirSync(path.join(box.output, "clips")).length).toBe(12);
  });

  it("reserves new folders for frame sequences", async () => {
    const box = sandbox();
    const a = await reserveFolder(box.output, "seq");
    const b = await reserveFolder(box.output, "seq");
    expect([a.ref.filename, b.ref.filename]).toEqual(["seq_00001", "seq_00002"]);
  });

  it("refuses a subfolder that is a link leading outside the output folder", async () => {
    const box = sandbox();
    const outside = path.join(box.root, "outside");
    mkdirSync(outside);
    symlinkSync(outside, path.join(box.output, "link"));
    await expect(reserveFile(box.output, "link/x", "mp4")).rejects.toThrow(/^filename_prefix: .*outside the output folder/);
    expect(readdirSync(outside)).toEqual([]);
  });
});
