// Once at load: a toast for each custom node pack the server skipped, so a broken pack is noticed
// in the editor and not only in the server's log.
import { useEffect } from "react";
import { api } from "../api.ts";
import { useStudio } from "../store/index.ts";

export function PackNotice() {
  useEffect(() => {
    let live = true;
    api
      .customNodes()
      .then((packs) => {
        if (!live) return;
        for (const p of packs.filter((q) => q.status === "failed")) {
          useStudio.getState().toast("error", `Custom node pack "${p.name}" was not loaded: ${p.error ?? "unknown error"}`, undefined, `pack:${p.name}`);
        }
      })
      .catch(() => {}); // an older server without the route: nothing to report
    return () => {
      live = false;
    };
  }, []);
  return null;
}
