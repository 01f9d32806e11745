import { phrase } from "../physics/phrase.ts";
import { createRng } from "../physics/rng.ts";
import { sketchDescription } from "../physics/sketch.ts";
import { PHYSICS_SCENE, STRING } from "../../core/node/sockets.ts";
import { defineNode, p } from "../../core/node/definition.ts";
import "./values.ts";

export default defineNode({
  type: "t2v.DescribeScene",
  version: 1,
  title: "Describe Scene",
  category: "physics",
  description: "PHYSICS_SCENE → a prompt in the words the model knows (shape, colour, size, material, count, motion, place, background), for Text Encode. `seed` picks among phrasings; write your own text in `edit` to use it instead.",
  inputs: { scene: { type: PHYSICS_SCENE } },
  params: {
    seed: p.seed({ default: 0, description: "Chooses one of the phrasings" }),
    edit: p.multiline({ default: "", description: "Your text instead of the generated one (empty: generated)" }),
  },
  outputs: { STRING },
  run: (_ctx, { scene, seed, edit }) => {
    const generated = phrase(scene.description ?? sketchDescription(scene.scene), createRng(seed));
    const text = edit.trim() || generated;
    return { outputs: { STRING: text }, ui: { text: [edit.trim() ? `${text}  (edited; generated: ${generated})` : text] } };
  },
});
