// What a node draws besides its own params: its catalogue entry, run state, problems, links,
// outputs and the wire being drawn. Mirrored from the studio store into a small store of its own,
// so that moving nodes (which changes only `nodes`) runs no per-node selector: with one
// subscription per node, a 1,000-node graph would run 1,000 selectors on every drag frame.
import { create } from "zustand";
import { useStudio, type State } from "./index.ts";

const KEYS = ["catalogue", "runs", "problems", "linked", "outputs", "previews", "connecting"] as const;
export type NodeView = Pick<State, (typeof KEYS)[number]>;

const pick = (s: State): NodeView => ({
  catalogue: s.catalogue,
  runs: s.runs,
  problems: s.problems,
  linked: s.linked,
  outputs: s.outputs,
  previews: s.previews,
  connecting: s.connecting,
});

export const useNodeView = create<NodeView>()(() => pick(useStudio.getState()));

useStudio.subscribe((s, prev) => {
  if (KEYS.some((k) => s[k] !== prev[k])) useNodeView.setState(pick(s));
});
