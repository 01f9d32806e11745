"""Wordings the prompt reader's data adds to augment.ts's phrasings (train_reader.py --rephrase and
--requests): a setting told by its colours and light, a sideways motion told as "from X to Y", the
rule-based parser's own synonyms that no phrasing uses, and whole prompts written as a request
("toss two red balls from left to right"), around an -ing form or as a plain statement ("a red ball
rolls from left to right"), a material told after the noun ("that weighs a ton"), and three objects in a
collision told as two and a third. augment.ts is left as it is, so the pairs it draws for the text
encoder stay reproducible.

General English for these scenes, written from how people describe a sky, a beach or a direction.
No list is copied from an eval split, but some entries were added after reading what an earlier
reader got wrong on prompts 301–600 of the paraphrase splits (training/README.md says which), so
only prompts 1–300 are reported as unseen. A setting's colour words (an orange sky, green grass, a
red sky drawn from the palette) are not the object's colour: the reader learns to take the colour
from the words around the object.
"""
from tok import words

# Each background told by what it looks like, most of them with colour words of their own.
SETTINGS = {
    "sky": ["under a clear blue sky", "against a bright blue sky", "with white clouds overhead", "on a sunny day under a blue sky",
            "beneath a pale blue sky with a few white clouds", "in bright daylight", "under a blue summer sky"],
    "night": ["under a black sky", "against a dark blue night sky", "under a black sky full of white stars", "with white stars overhead",
              "beneath a pale white moon", "in the deep blue dark of night", "under a starry purple night sky"],
    "sunset": ["under an orange sky", "in the red glow of sunset", "beneath a pink and purple evening sky", "in golden evening light",
               "as the sky turns red", "with a yellow sun low on the horizon", "in warm orange light", "under a purple dusk sky",
               "against a red evening sky", "in the pink light of dusk"],
    "beach": ["on yellow sand by the blue sea", "on a sandy beach with white waves", "by the blue ocean", "on golden sand",
              "with the blue sea behind", "on a white sand beach"],
    "grass": ["on green grass", "in a green meadow", "on a bright green lawn", "in a green field", "on lush green turf", "in a park on green grass"],
}

# A setting with a colour drawn from the whole palette, so that no colour word next to a sky, sand or grass
# is learned as the object's.
ANY_COLOUR_SETTINGS = {
    "sky": ["under a {c} sky", "against a {c} sky", "with {c} clouds above"],
    "night": ["under a {c} night sky", "against a {c} starry sky", "with {c} stars above"],
    "sunset": ["under a {c} evening sky", "in {c} evening light", "with a {c} glow on the horizon"],
    "beach": ["on {c} sand", "by a {c} sea", "on a beach of {c} sand"],
    "grass": ["on {c} grass", "in a {c} field", "on a {c} lawn"],
}
# The palette, in the order of the reader's colour output (train_reader.py's SLOTS).
COLOURS = ["red", "orange", "yellow", "green", "blue", "purple", "white", "black"]

# A sideways motion told by where it starts and ends.
FROM_TO = {
    "left": ["from right to left", "across from right to left", "right to left", "from the right side to the left side"],
    "right": ["from left to right", "across from left to right", "left to right", "from the left side to the right side"],
}
SIDE = {"thrown_left": "left", "rolls_left": "left", "thrown_right": "right", "rolls_right": "right"}
# The words around a side that say where to ("over to the left-hand side", "towards the right edge").
BEFORE_SIDE = {"to", "the", "over", "off", "towards", "toward", "away"}
AFTER_SIDE = {"hand", "side", "edge"}


def _side_span(tokens, side):
    """Where the phrase naming the motion's side is in `tokens` (start, end), or None."""
    hits = [i for i, w in enumerate(tokens) if w in (side, side + "ward", side + "wards")]
    if not hits:
        return None
    start = end = hits[-1]
    while start > 0 and tokens[start - 1] in BEFORE_SIDE:
        start -= 1
    end += 1
    while end < len(tokens) and tokens[end] in AFTER_SIDE:
        end += 1
    return start, end


def from_to(tokens, side, rng):
    """A sideways motion's side told as "from X to Y": in place of the words that named it, so only the
    order of the two sides says the direction, or after the prompt where no such words are found."""
    phrase = words(rng.choice(FROM_TO[side]))
    span = _side_span(tokens, side)
    if span is None or rng.random() < 0.25:
        return tokens + phrase
    return tokens[:span[0]] + phrase + tokens[span[1]:]


# Words the rule-based parser knows (nodes/physics/parse.ts) that augment.ts never writes.
SYNONYMS = {"ball": ["circle"], "balls": ["circles"], "sphere": ["circle"], "spheres": ["circles"], "upward": ["upwards"]}


def rephrase(tokens, d, rng, share):
    """One prompt's words with, each with probability `share`: a setting clause before or after it (half
    of them with a colour drawn from the palette), a sideways motion that names no place told "from X
    to Y", and the parser's synonyms swapped in."""
    out = list(tokens)
    if rng.random() < share:
        out = [rng.choice(SYNONYMS[w]) if w in SYNONYMS else w for w in out]
    side = SIDE.get(d["motion"])
    if side and not d.get("place") and rng.random() < share:
        out = from_to(out, side, rng)
    if rng.random() < share:
        setting = words(rng.choice(SETTINGS[d["background"]]) if rng.random() < 0.5 else
                        rng.choice(ANY_COLOUR_SETTINGS[d["background"]]).format(c=rng.choice(COLOURS)))
        out = setting + out if rng.random() < 0.5 else out + setting
    return out


# A request's parts. Each motion's verbs as (base, -ing); "{o}" is where the objects go.
NOUNS = {"ball": [("ball", "balls"), ("sphere", "spheres"), ("circle", "circles"), ("marble", "marbles")],
         "box": [("box", "boxes"), ("cube", "cubes"), ("block", "blocks"), ("crate", "crates"), ("square", "squares")],
         "triangle": [("triangle", "triangles"), ("wedge", "wedges"), ("pyramid", "pyramids"), ("triangular block", "triangular blocks")]}
COUNTS = {1: ["a", "one", "a single", "1", "just one"], 2: ["two", "2", "a pair of", "a couple of"], 3: ["three", "3", "a group of three", "three"]}
SIZES = {"small": ["small", "little", "tiny"], "medium": ["", "", "medium", "medium-sized", "normal-sized"], "large": ["large", "big", "huge"]}
MATERIALS = {"normal": ["", "", "plain", "regular"], "bouncy": ["bouncy", "rubber", "springy"], "heavy": ["heavy", "dense", "weighty"],
             "slippery": ["slippery", "icy", "slick"]}
# A material told after the noun instead ("three cubes that weigh a ton"): (one object, more than one).
MATERIAL_CLAUSES = {"bouncy": [("that bounces a lot", "that bounce a lot"), ("that is really bouncy", "that are really bouncy")],
                    "heavy": [("that weighs a ton", "that weigh a ton"), ("that is really heavy", "that are really heavy"),
                              ("made of lead", "made of lead")],
                    "slippery": [("with almost no friction", "with almost no friction"), ("that is very slick", "that are very slick")]}
# ("over to the left side" is left out: "over on the left" is a place.)
SIDEWAYS = {"left": ["to the left", "leftward", "towards the left", "from right to left", "off to the left", "right to left",
                     "towards the left of the screen", "to the left in an arc", "across to the left of the frame"],
            "right": ["to the right", "rightward", "towards the right", "from left to right", "off to the right", "left to right",
                      "towards the right of the screen", "to the right in an arc", "across to the right of the frame"]}
UP = ["straight up", "up into the air", "upward", "up high", "straight up and let {them} fall back down",
      "up so that {they_come} back down", "straight up then {they_drop} back down", "skyward", "skywards", "way up high",
      "high into the sky", "towards the sky"]
VERBS = {
    "falls": [("drop {o}", "dropping"), ("let {o} fall", "falling"), ("drop {o} from high up", "falling from high up"),
              ("let {o} fall to the ground", "dropping to the ground"), ("release {o} from above", "plunging down"),
              ("let {o} tumble down", "tumbling down"), ("let {o} plummet", "plummeting"), ("let {o} sink to the ground", "sinking down"),
              ("let {o} come down from the top", "coming down"), ("drop {o} from the top of the screen", "dropping from the top of the frame"),
              ("let {o} fall from way up", "falling from way up")],
    "thrown": [("throw {o}", "being thrown"), ("toss {o}", "getting tossed"), ("lob {o}", "being lobbed"), ("fling {o}", "flying"),
               ("launch {o}", "being launched"), ("hurl {o}", "sailing"), ("chuck {o}", "shooting"),
               ("pitch {o}", "arcing through the air"), ("send {o} flying", "soaring"), ("kick {o} into the air", "sailing through the air")],
    "rolls": [("roll {o}", "rolling"), ("slide {o}", "sliding"), ("push {o}", "moving"), ("nudge {o}", "gliding"),
              ("send {o} along the ground", "travelling along the ground"), ("roll {o} across the floor", "rolling across the ground"),
              ("skid {o}", "skidding"), ("let {o} coast", "coasting"), ("let {o} trundle", "trundling"), ("scoot {o}", "scooting"),
              ("shove {o}", "drifting along the ground"), ("let {o} glide", "gliding along the floor")],
}
COLLIDE = {2: ["crash {o} into each other", "smash {o} together", "send {o} at each other from opposite sides so they collide",
               "make {o} collide head-on", "slide {o} in from both sides so they bump in the middle"],
           3: ["crash two of {o} into each other while the last one falls from above", "smash two of {o} together and drop the other one from above",
               "crash two of {o} together and then drop a third one in from above"]}
COLLIDING = {2: ["colliding", "crashing into each other", "heading for each other and smashing together", "hitting each other head-on",
                 "sliding in from both sides and bumping in the middle", "coming at each other from the left and right"],
             3: ["where two crash into each other and one more drops from above", "where two collide head-on while another falls in from above",
                 "where two collide and a third one falls in from above"]}
# Three objects in a collision told as two and one more ("two red balls collide, and a third one drops in
# from above"): the count word says two, the rest of the prompt says three.
ONE_MORE = ["and a third one drops in from above", "while a third one falls from the top", "and then one more drops in from above",
            "as a third falls in from above", "plus a third one dropping from above", "with a third one coming down from above"]
# The same motions told as what the objects do: (one object, more than one).
STATES = {
    "falls": [("falls", "fall"), ("drops", "drop"), ("tumbles down", "tumble down"), ("plummets", "plummet"), ("comes down", "come down"),
              ("sinks to the ground", "sink to the ground"), ("falls from way up", "fall from way up"),
              ("drops from the top of the screen", "drop from the top of the frame")],
    "thrown": [("is thrown", "are thrown"), ("is tossed", "are tossed"), ("flies", "fly"), ("sails", "sail"), ("is launched", "are launched"),
               ("arcs through the air", "arc through the air"), ("shoots", "shoot")],
    "rolls": [("rolls", "roll"), ("slides", "slide"), ("moves", "move"), ("glides", "glide"), ("skids", "skid"), ("trundles", "trundle"),
              ("scoots", "scoot"), ("travels", "travel")],
}
COLLIDE_STATES = {2: ["collide", "crash into each other", "smash together", "bump into each other", "meet in the middle from both sides",
                      "head for each other from the left and right and collide"],
                  3: ["collide while one more falls from above", "crash as another drops from above", "collide, and a third one drops in from above",
                      "smash together while the third falls from the top"]}
PLACES = {"left": ["on the left", "on the left side", "at the left of the frame", "over on the left"],
          "center": ["in the middle", "at the center", "in the centre of the screen"],
          "right": ["on the right", "on the right side", "at the right of the frame", "over on the right"]}
PLAIN_SETTINGS = {"sky": ["in the daytime", "on a sunny day", "under the sky", ""], "night": ["at night", "under the stars", "at nighttime"],
                  "sunset": ["at sunset", "as the sun goes down", "at dusk"], "beach": ["at the beach", "on the sand by the sea", "at the seaside"],
                  "grass": ["on the grass", "in a field", "on a lawn"]}
WALLS = ["with walls on both sides", "between two walls", "with walls at the edges", "with a wall on each side", "inside walls left and right",
         "with walls at the left and right edges", "solid walls left and right", "with side walls to bounce off"]
OPENERS = ["", "", "show", "make a video of", "animate", "can you make", "i want", "generate a clip of", "render"]


def request(d, rng):
    """A whole prompt for `d` written as a request, around an -ing form or as a plain statement ("a red
    ball rolls from left to right", often with nothing after the motion): its words."""
    n = d["count"]
    noun = rng.choice(NOUNS[d["shape"]])[0 if n == 1 else 1]
    kind = d["motion"].split("_")[0]
    one_more = kind == "collide" and n == 3 and rng.random() < 0.4
    adjectives = [rng.choice(SIZES[d["size"]]), rng.choice(MATERIALS[d["material"]]), d["color"]]
    clause = ""
    if d["material"] in MATERIAL_CLAUSES and rng.random() < 0.3:
        adjectives[1], clause = "", rng.choice(MATERIAL_CLAUSES[d["material"]])[0 if n == 1 else 1]
    objects = " ".join(w for w in [rng.choice(COUNTS[2 if one_more else n]), *adjectives, noun, clause] if w)
    form = rng.choices(["imperative", "ing", "statement"], [0.4, 0.3, 0.3])[0]
    imperative = form == "imperative"
    if kind == "collide":
        k = 3 if n == 3 and not one_more else 2
        said = COLLIDE_STATES if form == "statement" else COLLIDE if imperative else COLLIDING
        verb = rng.choice(said[k]).format(o=objects) if imperative else f"{objects} {rng.choice(said[k])}"
        if one_more:
            verb += " " + rng.choice(ONE_MORE)
    else:
        base, ing = rng.choice(VERBS[kind])
        state = rng.choice(STATES[kind])[0 if n == 1 else 1]
        verb = base.format(o=objects) if imperative else f"{objects} {state if form == 'statement' else ing}"
        side = d["motion"].split("_")[-1]
        if side in SIDEWAYS:
            verb += " " + rng.choice(SIDEWAYS[side])
        elif side == "up":
            one = n == 1
            verb += " " + rng.choice(UP).format(them="it" if one else "them", they_come="it comes" if one else "they come",
                                                they_drop="it drops" if one else "they drop")
    parts = [verb]
    if d.get("place"):
        parts.append(rng.choice(PLACES[d["place"]]))
    parts.append(rng.choice(SETTINGS[d["background"]] if rng.random() < 0.4 else PLAIN_SETTINGS[d["background"]]))
    if d["walls"]:
        parts.append(rng.choice(WALLS))
    body = [p for p in parts if p]
    if rng.random() < 0.3 and len(body) > 1:
        body = body[-1:] + body[:-1]
    opener = rng.choice(OPENERS) if form == "ing" else ""
    return words(" ".join([opener, *body]))
