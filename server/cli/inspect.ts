// `t2v inspect <file>`: prints the provenance record a studio-written file carries, as JSON.
import type { Command } from "commander";
import { ProvenanceError, readProvenance } from "../../nodes/video/provenance.ts";

/** No record in the file (or another kind of file). */
export const EXIT_NO_RECORD = 1;
/** A record is there but cannot be parsed. */
export const EXIT_DAMAGED = 2;

export async function inspectCommand(file: string): Promise<number> {
  try {
    const record = await readProvenance(file);
    process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return err instanceof ProvenanceError && err.problem === "damaged" ? EXIT_DAMAGED : EXIT_NO_RECORD;
  }
}

export function register(program: Command): void {
  program
    .command("inspect")
    .description("print the provenance record (AI-generated label, model, prompt, seed, workflow) of a file the studio wrote")
    .argument("<file>", "an mp4, webm, webp, gif or png written by t2v")
    .action(async (file: string) => {
      process.exitCode = await inspectCommand(file);
    });
}
