// The folder boundaries hold in lint: a file that crosses one fails `npm run lint` with the rule's name.
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ESLint } from "eslint";
import { afterEach, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const probes: string[] = [];

async function lintProbe(rel: string, source: string): Promise<string[]> {
  const file = join(root, rel);
  probes.push(file);
  writeFileSync(file, source);
  const [result] = await new ESLint({ cwd: root }).lintFiles([file]);
  return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
}

afterEach(() => {
  for (const f of probes.splice(0)) rmSync(f, { force: true });
});

describe("folder boundaries", () => {
  it("fails a file in nodes/ that imports from server/, naming the rule", async () => {
    const messages = await lintProbe("nodes/boundary-probe.ts", 'import { startServer } from "../server/app.ts";\nexport const probe = startServer;\n');
    expect(messages).toEqual([expect.stringMatching(/^boundaries\/folders: .*nodes\/ may import only nodes\/, core\/; this imports server\//)]);
  });

  it("fails core/ importing nodes/ or a Node-only module, and client/ importing nodes/", async () => {
    const core = await lintProbe("core/boundary-probe.ts", 'import { readFileSync } from "node:fs";\nimport { registry } from "../nodes/index.ts";\nexport const probe = [readFileSync, registry];\n');
    expect(core).toHaveLength(2);
    expect(core.join("\n")).toMatch(/core\/ may import only core\/; this imports nodes\//);
    expect(core.join("\n")).toMatch(/may not import the Node module "node:fs"/);
    const client = await lintProbe("client/src/boundary-probe.ts", 'import { canConnect } from "../../nodes/index.ts";\nexport const probe = canConnect;\n');
    expect(client.join("\n")).toMatch(/client\/ may import only client\/, core\/; this imports nodes\//);
  });

  it("lets nodes/ import core/ and server/ import nodes/", async () => {
    expect(await lintProbe("nodes/boundary-probe.ts", 'import { defineNode } from "../core/index.ts";\nexport const probe = defineNode;\n')).toEqual([]);
    expect(await lintProbe("server/boundary-probe.ts", 'import { registry } from "../nodes/index.ts";\nexport const probe = registry;\n')).toEqual([]);
  });
});
