// A node pack is a list of definitions; the host registers them next to its own (nodes/index.ts).
import fade from "./fade.ts";

export const nodes = [fade];
