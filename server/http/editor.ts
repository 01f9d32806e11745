// The built editor (client/dist) at `/`; a short page saying how to build it when it is missing.
import { existsSync } from "node:fs";
import path from "node:path";
import express, { Router } from "express";

const NOT_BUILT = `<!doctype html>
<meta charset="utf-8">
<title>t2v studio</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em}code{background:#eee;padding:.1em .3em}</style>
<h1>t2v studio</h1>
<p>The server is running, but the editor is not built yet. Run <code>npm run build</code>, then reload this page.</p>
<p>The API is up: try <a href="/system_stats">/system_stats</a> or <a href="/object_info">/object_info</a>.</p>
`;

export function editorRoutes(distDir: string): Router {
  const r = Router();
  if (existsSync(path.join(distDir, "index.html"))) {
    r.use(express.static(distDir, { index: "index.html", dotfiles: "ignore", fallthrough: true }));
  } else {
    r.get(["/", "/index.html"], (_req, res) => {
      res.type("html").send(NOT_BUILT);
    });
  }
  return r;
}
