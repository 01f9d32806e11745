import js from "@eslint/js";
import tseslint from "typescript-eslint";
import boundaries from "./eslint/boundaries.js";

export default tseslint.config(
  { ignores: ["node_modules/", "client/dist/", "dist/", "data/", "output/", "training/runs/", "training/data/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    // Folder boundaries (eslint/boundaries.js): core → nothing of ours; nodes → core;
    // server → core, nodes; client → core. training/, bench/, test/ may import anything.
    files: ["core/**/*.{ts,tsx}", "nodes/**/*.{ts,tsx}", "server/**/*.{ts,tsx}", "client/**/*.{ts,tsx}"],
    plugins: { boundaries },
    rules: { "boundaries/folders": "error" },
  },
  {
    files: ["bin/**/*.js", "eslint/**/*.js"],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
);
