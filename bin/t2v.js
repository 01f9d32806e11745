#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's ESM loader; paths resolve from this file, not the cwd.
import { fileURLToPath, URL } from "node:url";
import { register } from "tsx/esm/api";

register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
await import("../server/cli.ts");
