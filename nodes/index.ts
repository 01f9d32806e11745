// The one registry: every node type the studio knows, listed explicitly.
// Add a node: write nodes/<area>/<name>.ts exporting `defineNode({...})` as default, import it
// here and add it to the list. A type id claimed twice throws at start-up.
import { createRegistry } from "../server/engine/registry.ts";
import boolean from "./util/boolean.ts";
import float from "./util/float.ts";
import int from "./util/int.ts";
import intMath from "./util/int-math.ts";
import showValue from "./util/show-value.ts";
import string from "./util/string.ts";

export const registry = createRegistry([
  // utils
  int,
  float,
  string,
  boolean,
  intMath,
  showValue,
]);
