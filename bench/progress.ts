// Progress on stderr, one line per event, so the table on stdout stays clean and logs stay readable.

export interface Progress {
  /** Starts figure `index` of `total`. */
  figure(index: number, total: number, title: string): void;
  /** A line inside the current figure. */
  step(text: string): void;
  /** Elapsed seconds since the bench started. */
  elapsed(): number;
}

export function createProgress(out: NodeJS.WritableStream = process.stderr): Progress {
  const t0 = performance.now();
  let current = "";
  const stamp = () => `${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s`;
  return {
    figure(index, total, title) {
      current = `[${index}/${total} ${title}]`;
      out.write(`${stamp()} ${current} …\n`);
    },
    step(text) {
      out.write(`${stamp()} ${current} ${text}\n`);
    },
    elapsed: () => (performance.now() - t0) / 1000,
  };
}
