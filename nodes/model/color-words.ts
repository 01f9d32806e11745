// Colour words people type that a model's palette may lack, and the palette colour each is drawn as.
// A model never silently draws another colour: the caller names the substitution in a notice.

type RGB = readonly [number, number, number];

/**
 * Common colour names with the sRGB they usually mean (the CSS named colour where there is one).
 * Only words that name a colour wherever they stand: not "golden" (golden hour), "rose" (it rose)
 * or fruit and food names.
 */
export const COLOR_WORDS: Readonly<Record<string, RGB>> = {
  pink: [255, 192, 203], magenta: [255, 0, 255], fuchsia: [255, 0, 255],
  cyan: [0, 255, 255], aqua: [0, 255, 255], teal: [0, 128, 128], turquoise: [64, 224, 208],
  azure: [0, 127, 255], navy: [0, 0, 128], indigo: [75, 0, 130], sapphire: [15, 82, 186],
  brown: [139, 69, 19], tan: [210, 180, 140], beige: [245, 245, 220], khaki: [195, 176, 145],
  maroon: [128, 0, 0], crimson: [220, 20, 60], scarlet: [255, 36, 0], ruby: [224, 17, 95],
  gold: [255, 215, 0], amber: [255, 191, 0], silver: [192, 192, 192], charcoal: [54, 69, 79],
  grey: [128, 128, 128], gray: [128, 128, 128], lime: [50, 205, 50], olive: [128, 128, 0], emerald: [80, 200, 120],
  lavender: [181, 126, 220], lilac: [200, 162, 200], mauve: [224, 176, 255], coral: [255, 127, 80], salmon: [250, 128, 114],
  bronze: [205, 127, 50], copper: [184, 115, 51], ivory: [255, 255, 240],
};

function lab([r, g, b]: RGB): [number, number, number] {
  const lin = (v: number) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
  const [R, G, B] = [lin(r), lin(g), lin(b)];
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  const x = f((0.4124 * R + 0.3576 * G + 0.1805 * B) / 0.95047);
  const y = f(0.2126 * R + 0.7152 * G + 0.0722 * B);
  const z = f((0.0193 * R + 0.1192 * G + 0.9505 * B) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

/** Chroma (CIELAB C*) above which a colour counts as a hue rather than a grey. */
const CHROMATIC = 15;
const chroma = (c: [number, number, number]) => Math.hypot(c[1], c[2]);

const hue = (c: [number, number, number]) => Math.atan2(c[2], c[1]);
const hueGap = (a: number, b: number) => Math.abs(Math.atan2(Math.sin(a - b), Math.cos(a - b)));

/**
 * The palette colour nearest to `rgb`. A hue is matched by hue angle (CIELAB) among the palette's
 * hues, so pink becomes red and navy blue, whatever their lightness; a grey by lightness among the
 * palette's greys, white and black. With no entry of its kind, the nearest in CIELAB.
 */
export function nearestColor(rgb: RGB, palette: Readonly<Record<string, RGB>>): string {
  const want = lab(rgb);
  const isHue = chroma(want) > CHROMATIC;
  const entries = Object.entries(palette).map(([name, c]) => ({ name, lab: lab(c) }));
  const sameKind = entries.filter((e) => chroma(e.lab) > CHROMATIC === isHue);
  const dist = sameKind.length === 0
    ? (l: [number, number, number]) => Math.hypot(l[0] - want[0], l[1] - want[1], l[2] - want[2])
    : isHue ? (l: [number, number, number]) => hueGap(hue(l), hue(want)) : (l: [number, number, number]) => Math.abs(l[0] - want[0]);
  let best = "", bestDist = Infinity;
  for (const e of sameKind.length ? sameKind : entries) {
    const d = dist(e.lab);
    if (d < bestDist) [best, bestDist] = [e.name, d];
  }
  return best;
}

/** A colour word outside `palette` → the palette colour it is drawn as; undefined for any other word. */
export function paletteColorFor(word: string, palette: Readonly<Record<string, RGB>>): string | undefined {
  const w = word.toLowerCase();
  if (w in palette) return undefined;
  const rgb = COLOR_WORDS[w];
  return rgb ? nearestColor(rgb, palette) : undefined;
}

/**
 * Words for the setting: a colour word just before one ("over brown dirt", "under a grey sky")
 * describes the ground, the sky or the light, not an object, so it is not drawn as an object's colour.
 */
const SETTING_NOUNS = new Set([
  "sky", "skies", "cloud", "clouds", "star", "stars", "sun", "sunlight", "light", "glow", "horizon", "dusk", "evening", "night",
  "ground", "dirt", "earth", "soil", "sand", "grass", "lawn", "field", "meadow", "sea", "ocean", "water", "waves", "background", "backdrop",
]);

const isSettingNoun = (word: string | undefined): boolean => word !== undefined && SETTING_NOUNS.has(word);

/** Words that may stand between a colour word and its setting word: "a black starry sky", "a blue summer sky". */
const SETTING_ADJECTIVES = new Set(["starry", "clear", "cloudless", "cloudy", "summer", "morning", "dark", "pale", "bright", "sunny", "stormy", "sandy", "grassy"]);

/**
 * Whether the colour word at `i` of `words` (lower case) describes the setting, not an object: a
 * setting word next, or one such adjective and then one.
 */
export const colorsSettingAt = (words: readonly string[], i: number): boolean =>
  isSettingNoun(words[i + 1]) || (SETTING_ADJECTIVES.has(words[i + 1] ?? "") && isSettingNoun(words[i + 2]));

export interface ColorSubstitution { word: string; as: string }

/**
 * `text` with every colour word outside `palette` replaced by its palette colour, and the list of
 * replacements; a colour word that describes the setting (`colorsSettingAt`) is left as typed.
 */
export function substituteColors(text: string, palette: Readonly<Record<string, RGB>> | undefined): { text: string; substituted: ColorSubstitution[] } {
  const substituted: ColorSubstitution[] = [];
  if (!palette) return { text, substituted };
  const out = text.replace(/([a-z]+)(?=(?:\s+([a-z]+))?(?:\s+([a-z]+))?)/gi, (word: string, _w: string, next?: string, after?: string) => {
    const as = paletteColorFor(word, palette);
    if (as === undefined || colorsSettingAt([word, next, after].map((w) => w?.toLowerCase() ?? ""), 0)) return word;
    if (!substituted.some((s) => s.word === word.toLowerCase())) substituted.push({ word: word.toLowerCase(), as });
    return as;
  });
  return { text: out, substituted };
}

/** The notice for one substitution, as the nodes show it. */
export const substitutionNote = (s: ColorSubstitution) => `"${s.word}" is not a colour this model draws: drawn as ${s.as}, the nearest it has`;
