// The one store (zustand). Components subscribe with narrow selectors, e.g.
// `useStudio((s) => s.runs[id])`, never the whole state.
import { create, type StoreApi } from "zustand";
import { graphSlice, type GraphSlice } from "./graph-slice.ts";
import { runSlice, type RunActions } from "./run-slice.ts";
import { uiSlice, type UiSlice } from "./ui-slice.ts";

export type State = GraphSlice & RunActions & UiSlice;
export type SetState = StoreApi<State>["setState"];
export type GetState = StoreApi<State>["getState"];

export const useStudio = create<State>()((set, get) => ({
  ...graphSlice(set, get),
  ...runSlice(set, get),
  ...uiSlice(set, get),
}));

export const studio = useStudio;
