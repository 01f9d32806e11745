// A third held-out phrasing of scene descriptions: the kind of request a person might type for a
// short video of the scene. Written blind: its author saw only the description schema, not the
// project's other phrase generators or word lists. Used only to evaluate the prompt reader, never in training.
import type { SceneDescription } from "../../nodes/physics/describe.ts";
import { createRng } from "../../nodes/physics/rng.ts";

// In phrases, {a|b|c} is the singular, plural or -ing form of a verb; {dir} a direction phrase,
// {side}/{other} the direction and the opposite side, {o} the objects, {it} "it" or "them",
// {go} the way the objects travel along the ground.
const NOUNS = {
  ball: ["ball/balls", "ball/balls", "ball/balls", "sphere/spheres", "circle/circles"],
  box: ["box/boxes", "box/boxes", "cube/cubes", "block/blocks", "square/squares", "crate/crates"],
  triangle: ["triangle/triangles", "triangle/triangles", "triangular block/triangular blocks", "wedge/wedges"],
};
const COUNTS = { 1: ["a", "a", "a", "one", "a single"], 2: ["two", "two", "2", "a couple of", "a pair of"], 3: ["three", "three", "3"] };
const SIZES = {
  small: ["small", "small", "little", "tiny"],
  medium: ["", "", "", "", "medium", "medium-sized", "normal-sized"],
  large: ["large", "big", "big", "huge"],
};
const MATERIALS = {
  normal: ["", "", "", "", "", "", "", "regular", "plain"],
  bouncy: ["bouncy", "bouncy", "super bouncy", "springy"],
  heavy: ["heavy", "heavy", "very heavy", "dense"],
  slippery: ["slippery", "icy", "slick", "slippery"],
};
const MATERIAL_CLAUSES = {
  normal: [""],
  bouncy: ["made of rubber", "that {bounces|bounce} a lot"],
  heavy: ["that {is|are} really heavy", "that {weighs|weigh} a ton"],
  slippery: ["that {is|are} slippery as ice", "with almost no friction"],
};
const DIRS = ["to the {side}", "to the {side}", "toward the {side}", "off to the {side}", "{side}ward", "from {other} to {side}", "over to the {side} side", "towards the {side} of the screen"];
const VERBS = {
  falls: ["{falls|fall|falling} from high up", "{drops|drop|dropping} from the top of the screen", "{falls|fall|falling} down to the ground",
    "{is|are|being} dropped from above", "{drops|drop|dropping} down from way up high", "{plummets|plummet|plummeting} to the ground"],
  thrown: ["{is|are|being} thrown {dir}", "{gets|get|getting} tossed {dir}", "{flies|fly|flying} {dir} in an arc",
    "{is|are|being} lobbed {dir}", "{arcs|arc|arcing} through the air {dir}", "{is|are|being} flung sideways {dir}"],
  thrown_up: ["{is|are|being} thrown straight up and {comes|come|coming} back down", "{gets|get|getting} tossed up in the air",
    "{shoots|shoot|shooting} straight up, then {falls|fall|falling} back down", "{is|are|being} launched upward and {drops|drop|dropping} back",
    "{goes|go|going} straight up and {comes|come|coming} back down"],
  roll: ["{rolls|roll|rolling} {dir}", "{rolls|roll|rolling} along the ground {dir}", "{rolls|roll|rolling} across the ground {dir}", "{moves|move|moving} {dir} along the ground"],
  slide: ["{slides|slide|sliding} {dir}", "{slides|slide|sliding} along the ground {dir}", "{skids|skid|skidding} {dir}", "{glides|glide|gliding} {dir}", "{moves|move|moving} {dir} along the ground"],
  collide: ["{come|come|coming} at each other from opposite sides and {crash|crash|crashing}", "{go} toward each other and {collide|collide|colliding}",
    "{crash|crash|crashing} into each other from opposite sides", "{collide|collide|colliding} head-on", "{go} in from both sides and {bump|bump|bumping} in the middle",
    "{head|head|heading} for each other from the left and right and {smash|smash|smashing} together"],
};
const ACTS = {
  falls: ["Drop {o} from high up", "Drop {o} from the top of the frame", "Let {o} fall from way up"],
  thrown: ["Throw {o} {dir}", "Toss {o} {dir}", "Lob {o} {dir}", "Fling {o} {dir} in an arc"],
  thrown_up: ["Throw {o} straight up and let {it} fall back down", "Toss {o} up in the air", "Launch {o} straight up"],
  roll: ["Roll {o} {dir}", "Roll {o} along the ground {dir}"],
  slide: ["Slide {o} {dir}", "Push {o} {dir} along the ground"],
  collide: ["Smash {o} into each other", "Crash {o} together head-on", "Send {o} at each other from opposite sides"],
};
const PLACES = {
  left: ["on the left", "on the left side", "over on the left", "at the left of the frame", "on the left side of the screen"],
  center: ["in the middle", "in the center", "in the centre", "in the middle of the frame", "at the center of the screen"],
  right: ["on the right", "on the right side", "over on the right", "at the right of the frame", "on the right-hand side"],
};
const SETTINGS = {
  sky: ["under a clear blue sky", "against a blue sky", "on a sunny day", "in the daytime", "outside on a bright day", "over brown dirt under a blue sky"],
  night: ["at night", "under the stars", "on a starry night", "in the dark under a starry sky", "at nighttime", "against a black starry sky"],
  sunset: ["at sunset", "at dusk", "during sunset", "in the evening with the sun going down", "against an orange sunset sky", "as the sun goes down"],
  beach: ["on the beach", "at the beach", "on a sandy beach", "on the sand by the sea", "at the seaside", "on the beach with the ocean behind"],
  grass: ["on the grass", "on a green lawn", "in a grassy field", "in a field of grass", "on a lawn", "in a green meadow"],
};
const SCENERY = {
  sky: ["a clear blue sky", "a plain blue sky over brown dirt", "a bright daytime sky", "a sunny day"],
  night: ["a starry night sky", "a dark sky full of stars", "a night scene with stars", "nighttime"],
  sunset: ["a sunset", "an evening sunset", "a sunset sky with the sun low", "dusk"],
  beach: ["a beach", "a sandy beach by the sea", "the seaside", "a beach with sand and water"],
  grass: ["a grassy field", "a green lawn", "a grass field", "a meadow"],
};
const BACKDROP_LINES = ["The background is {n}", "Background: {n}", "Set {p}", "The scene is set {p}", "Setting: {n}", "Background is {n}"];
const WALLS = ["with walls on both sides", "between two walls", "with walls at the left and right edges", "with solid walls at the edges", "with side walls to bounce off", "with a wall on either side"];
const WALL_LINES = ["There are walls on both sides.", "Put walls at the edges of the frame.", "Add side walls for {it} to bounce off.", "Walls on each side.", "Solid walls left and right."];
const OPENERS = ["Show", "Make a video of", "Animate", "Generate a clip of", "Create a short video of", "I want a video of", "Can you make a video of", "Video of", "Give me", "Please show"];

/** One request for a video of the scene, in a person's words; same (d, seed) → same text. */
export function thirdParaphrase(d: SceneDescription, seed: number): string {
  const rng = createRng(seed ^ 0x7c3d95);
  const pick = <T>(items: readonly T[]): T => rng.pick(items);
  const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
  const side = d.motion.endsWith("left") ? "left" : "right";
  const kind = d.motion === "thrown_left" || d.motion === "thrown_right" ? "thrown"
    : d.motion === "rolls_left" || d.motion === "rolls_right" ? (d.shape === "ball" ? "roll" : "slide") : d.motion;
  const collide = d.motion === "collide";
  const count = collide ? Math.max(2, d.count) : d.count;
  // A three-object collision is sometimes told as "two ... and a third one": the subject is then two.
  const third = collide && count === 3 && rng.chance(0.25);
  const plural = count > 1;
  const fill = (text: string, form: 0 | 1 | 2) => text
    .replace("{dir}", pick(DIRS)).replace("{go}", d.shape === "ball" ? "{roll|roll|rolling}" : "{slide|slide|sliding}")
    .replaceAll("{side}", side).replaceAll("{other}", side === "left" ? "right" : "left").replaceAll("{it}", plural ? "them" : "it")
    .replace(/\{([^}]*)\}/g, (_, g: string) => g.split("|")[form] ?? g);

  for (let tries = 0; ; tries++) {
    // The objects: count, size, material, colour and noun, in the order people usually put them.
    const [one, many] = pick(NOUNS[d.shape]).split("/") as [string, string];
    const mat = rng.next();
    const style = d.material === "normal" || mat < 0.65 ? "before" : d.material === "bouncy" && mat < 0.8 ? "rubber" : "clause";
    const words = [pick(COUNTS[third ? 2 : (count as 1 | 2 | 3)]), pick(SIZES[d.size as keyof typeof SIZES])];
    if (style === "before" && !(d.material === "normal" && words[1])) words.push(pick(MATERIALS[d.material as keyof typeof MATERIALS]));
    words.push(d.color, style === "rubber" ? "rubber" : "", plural ? many : one);
    if (style === "clause") words.push(fill(pick(MATERIAL_CLAUSES[d.material as keyof typeof MATERIAL_CLAUSES]), plural ? 1 : 0));
    let np = words.filter(Boolean).join(" ");
    if (np.startsWith("a ") && /^a [aeiou]/.test(np)) np = "an" + np.slice(1);
    const place = d.place ? pick(PLACES[d.place]) : "";
    const early = place && style !== "clause" && rng.chance(0.5);
    const subj = early ? `${np} ${place}` : np;
    const after = place && !early ? `${pick([" ", ", "])}${place}` : "";

    // The motion, as a verb phrase after the objects or as an order to do something to them.
    let verb = pick(VERBS[kind]);
    if (third) verb += "{, and a third one drops|, and a third one drops|, with a third one dropping} in from above";
    else if (collide && count === 3) verb = `{:|:|, with} two of them ${verb}{, while the third one drops|, while the third one drops|, and the third one dropping} in from above`;
    const vp = (form: 0 | 1 | 2) => fill(verb, form);
    const form = plural ? 1 : 0;

    const setting = pick(SETTINGS[d.background]);
    const scenery = pick(SCENERY[d.background]);
    const bg = `${pick([" ", ", "])}${setting}`;
    const wallsLine = d.walls && rng.chance(0.4) ? " " + fill(pick(WALL_LINES), 0) : "";
    const walls = d.walls && !wallsLine ? `${pick([" ", ", "])}${pick(WALLS)}` : "";
    const backdrop = pick(BACKDROP_LINES).replace("{n}", scenery).replace("{p}", setting);

    let text: string;
    let t = rng.int(0, 5);
    if (t === 5 && collide && count === 3) t = 0; // no single order covers the third object
    if (t === 0) text = `${cap(subj)} ${vp(form)}${after}${bg}${walls}.${wallsLine}`;
    else if (t === 1) {
      const opener = pick(OPENERS);
      text = `${opener} ${subj} ${vp(2)}${after}${bg}${walls}${opener.startsWith("Can") ? "?" : "."}${wallsLine}`;
    } else if (t === 2) text = `${cap(setting)}, ${subj} ${vp(form)}${after}${walls}.${wallsLine}`;
    else if (t === 3) text = `${scenery.replace(/^an? /, "")}${pick([", ", " - ", ": "])}${subj} ${vp(2)}${after}${walls}${wallsLine ? "." + wallsLine : ""}`;
    else if (t === 4) text = `${cap(subj)} ${vp(form)}${after}. ${backdrop}.${walls ? ` ${cap(pick(WALLS))}.` : ""}${wallsLine}`;
    else text = `${fill(pick(ACTS[kind]).replace("{o}", subj), form)}${after}${bg}${walls}.${wallsLine}`;

    text = text.replace(/ +([,:])/g, "$1").replace(/ +/g, " ").trim();
    if (rng.chance(0.1)) text = text.toLowerCase();
    if (rng.chance(0.15)) text = text.replace(/\.$/, "");
    if (text.split(" ").length <= 35 || tries >= 5) return text;
  }
}
