// The folder boundaries of the house, as one lint rule: which top-level folder may import which.
// Arrows point one way: client → core; server → nodes → core; examples (a node pack) → core; nothing imports client or server.
import path from "node:path";
import { builtinModules } from "node:module";

const root = path.resolve(import.meta.dirname, "..");

/** Folder → the folders of ours it may import (besides itself). Folders not listed may import anything. */
export const ALLOWED = {
  core: [],
  nodes: ["core"],
  server: ["core", "nodes"],
  client: ["core"],
  examples: ["core"],
};
/** Folders that run in the browser too, so they import nothing Node-only. */
const PORTABLE = new Set(["core", "client"]);
const OURS = new Set(["core", "nodes", "server", "client", "training", "bench", "test", "bin", "scripts", "examples", "workflows", "models"]);
const NODE_BUILTINS = new Set(builtinModules);

function folderOf(file) {
  const rel = path.relative(root, file);
  if (rel.startsWith("..")) return undefined;
  return rel.split(path.sep)[0];
}

/** @type {import("eslint").Rule.RuleModule} */
const folders = {
  meta: {
    type: "problem",
    docs: { description: "Keeps imports within the folder boundaries of core/, nodes/, server/ and client/" },
    schema: [],
    messages: {
      crossed: "boundaries/folders: {{from}}/ may import only {{allowed}}; this imports {{to}}/ ({{spec}})",
      nodeOnly: "boundaries/folders: {{from}}/ runs in the browser too and may not import the Node module \"{{spec}}\"",
    },
  },
  create(context) {
    const file = context.filename;
    const from = folderOf(file);
    if (!from || !(from in ALLOWED)) return {};
    const allowed = new Set([from, ...ALLOWED[from]]);
    const check = (node, spec) => {
      if (typeof spec !== "string") return;
      if (spec.startsWith(".")) {
        const to = folderOf(path.resolve(path.dirname(file), spec));
        if (to && OURS.has(to) && !allowed.has(to)) {
          const list = [...allowed].map((f) => `${f}/`).join(", ");
          context.report({ node, messageId: "crossed", data: { from, to, spec, allowed: list } });
        }
        return;
      }
      const bare = spec.startsWith("node:") ? spec.slice(5) : spec;
      if (PORTABLE.has(from) && (spec.startsWith("node:") || NODE_BUILTINS.has(bare.split("/")[0]))) {
        context.report({ node, messageId: "nodeOnly", data: { from, spec } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === "Literal" && check(node, node.source.value),
      TSImportType: (node) => check(node, node.argument?.literal?.value ?? node.argument?.value),
      TSModuleDeclaration: (node) => node.id.type === "Literal" && check(node, node.id.value),
    };
  },
};

export default { rules: { folders } };
