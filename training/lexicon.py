"""Other verbs for the world's motions, from WordNet (Debian's wordnet-base, /usr/share/wordnet): for
each motion, the synonyms and troponyms (ways of doing it) of the first sense of a few plain verbs,
inflected like the verb they replace. The prompt reader trains on phrasings with these swapped in
(train_reader.py --wordnet), so a word like "lobbed" reads as a throw without anyone listing it.

A general English lexicon, not the eval's words: nothing here is chosen by looking at a split.
"""
import os

WORDNET = "/usr/share/wordnet"

# The plain verbs each motion is phrased with; the first sense of each is what is looked up.
SEEDS = {
    "fall": ["fall", "drop", "tumble", "plummet"],
    "throw": ["throw", "toss", "fling", "hurl"],
    "roll": ["roll", "slide", "glide"],
    "collide": ["collide", "crash", "smash"],
}
FORMS = ("base", "s", "ed", "ing")


def _read_index(path):
    senses = {}
    for line in open(path, encoding="latin-1"):
        if line.startswith("  "):
            continue
        f = line.split()
        rest = f[4 + int(f[3]):]
        senses[f[0]] = rest[2:2 + int(rest[0])]
    return senses


def _read_data(path):
    synsets = {}
    for line in open(path, encoding="latin-1"):
        if line.startswith("  "):
            continue
        f = line.split(" | ")[0].split()
        n = int(f[3], 16)
        words = [f[4 + 2 * i].lower() for i in range(n)]
        k = 4 + 2 * n
        pointers = [tuple(f[k + 1 + 4 * j:k + 4 + 4 * j]) for j in range(int(f[k]))]
        synsets[f[0]] = (words, pointers)
    return synsets


def _read_exceptions(path):
    """lemma → its irregular forms (verb.exc lists forms morphology cannot undo: threw, lobbed, lobbing)."""
    forms = {}
    for line in open(path, encoding="latin-1"):
        parts = line.split()
        for lemma in parts[1:]:
            forms.setdefault(lemma, []).append(parts[0])
    return forms


def inflect(lemma, form, exceptions):
    """One surface form of a verb: base, third person -s, past (-ed or irregular), or -ing."""
    irregular = exceptions.get(lemma, [])
    if form == "base":
        return [lemma]
    if form == "ing":
        ing = [w for w in irregular if w.endswith("ing")]
        if ing:
            return ing
        if lemma.endswith("ie"):
            return [lemma[:-2] + "ying"]
        if lemma.endswith("e") and not lemma.endswith(("ee", "ye", "oe")):
            return [lemma[:-1] + "ing"]
        return [lemma + "ing"]
    if form == "s":
        if lemma.endswith(("s", "x", "z", "ch", "sh")):
            return [lemma + "es"]
        if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
            return [lemma[:-1] + "ies"]
        return [lemma + "s"]
    past = [w for w in irregular if not w.endswith("ing")]
    if past:
        return past
    if lemma.endswith("e"):
        return [lemma + "d"]
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        return [lemma[:-1] + "ied"]
    return [lemma + "ed"]


def motion_verbs(root=WORDNET):
    """motion → sorted single-word verbs: the seeds' first-sense synonyms and troponyms. A verb found
    under two motions is left out of both."""
    if not os.path.exists(os.path.join(root, "data.verb")):
        raise SystemExit(f"no WordNet database at {root}: apt-get install -y wordnet-base")
    senses = _read_index(os.path.join(root, "index.verb"))
    synsets = _read_data(os.path.join(root, "data.verb"))
    found = {}
    for motion, seeds in SEEDS.items():
        words = set()
        for seed in seeds:
            for offset in senses.get(seed, [])[:1]:
                names, pointers = synsets[offset]
                words.update(names)
                for symbol, target, pos in pointers:
                    if symbol == "~" and pos == "v":
                        words.update(synsets[target][0])
        found[motion] = {w for w in words if w.isalpha()}
    shared = {w for m in found for w in found[m] if any(w in found[o] for o in found if o != m)}
    return {m: sorted(ws - shared) for m, ws in found.items()}


def substitutions(root=WORDNET):
    """surface form of a seed verb → the same form of every other verb of its motion."""
    exceptions = _read_exceptions(os.path.join(root, "verb.exc"))
    verbs = motion_verbs(root)
    table = {}
    for motion, seeds in SEEDS.items():
        for seed in seeds:
            for form in FORMS:
                alternatives = [w for v in verbs[motion] if v != seed for w in inflect(v, form, exceptions)]
                for surface in inflect(seed, form, exceptions):
                    table.setdefault(surface, []).extend(alternatives)
    return {k: sorted(set(v)) for k, v in table.items()}


if __name__ == "__main__":
    for motion, words in motion_verbs().items():
        print(f"{motion}: {', '.join(words)}")
