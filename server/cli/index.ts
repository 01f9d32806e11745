// Every `t2v` subcommand: one file each, exporting register(program). Add new ones to this list.
import type { Command } from "commander";
import * as inspect from "./inspect.ts";
import * as run from "./run.ts";
import * as serve from "./serve.ts";
import * as worker from "./worker.ts";

export const commands: { register(program: Command): void }[] = [run, serve, worker, inspect];
