// What every `t2v` subcommand does with its flags: repeatable options, and the zod check that
// names each bad flag and exits 2.
import type { z } from "zod";

/** commander's reducer for a repeatable option (`--models a --models b`). */
export function collect(value: string, prior: string[] | undefined): string[] {
  return [...(prior ?? []), value];
}

/** The checked flags, or undefined after writing one `error: --flag: reason` line each (exit code 2). */
export function parseFlags<S extends z.ZodType>(schema: S, flags: unknown): z.output<S> | undefined {
  const r = schema.safeParse(flags);
  if (r.success) return r.data;
  for (const i of r.error.issues) process.stderr.write(`error: --${i.path.join(".")}: ${i.message}\n`);
  process.exitCode = 2;
  return undefined;
}
