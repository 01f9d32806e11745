// `npm run build` = `vite build client`: this folder is the root, the bundle goes to client/dist,
// which the server serves at `/`. JSX goes through Vite's built-in transform (no React plugin).
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // React Flow's "use client" marks server components; meaningless in this bundle.
      onwarn(warning, warn) {
        if (warning.code !== "MODULE_LEVEL_DIRECTIVE") warn(warning);
      },
    },
  },
  oxc: { jsx: { runtime: "automatic", importSource: "react" } },
  server: { proxy: { "/api": "http://127.0.0.1:8188", "/view": "http://127.0.0.1:8188", "/ws": { target: "ws://127.0.0.1:8188", ws: true } } },
});
