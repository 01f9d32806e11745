// The `t2v` command line (bin/t2v.js loads this through tsx).
import { Command } from "commander";
import { commands } from "./cli/index.ts";

export function buildProgram(): Command {
  const program = new Command("t2v").description("text-to-video studio: run workflows headless or serve the editor");
  for (const c of commands) c.register(program);
  return program;
}

await buildProgram().parseAsync(process.argv);
