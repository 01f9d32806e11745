"""The word-level tokenizer, written as a Hugging Face tokenizer.json and mirrored here for training."""
import json
import re

SPECIALS = ["[PAD]", "[UNK]"]
PAD, UNK = 0, 1
LENGTH = 24


# Lower case, and punctuation read as a space: the grammar has none, so a prompt's commas and full
# stops would otherwise each be a word outside the vocabulary.
NORMALIZER = {"type": "Sequence", "normalizers": [{"type": "Lowercase"}, {"type": "Replace", "pattern": {"Regex": "[^\\w\\s]"}, "content": " "}]}


def words(text):
    """A prompt's words as the tokenizer reads them: NORMALIZER, then the Whitespace pre-tokenizer's split."""
    return re.findall(r"\w+|[^\w\s]+", re.sub(r"[^\w\s]", " ", text.lower()))


def build_tokenizer_json(words):
    vocab = {w: i for i, w in enumerate(SPECIALS + sorted(set(words)))}
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": i, "content": s, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True} for i, s in enumerate(SPECIALS)],
        "normalizer": NORMALIZER,
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": None,
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "[UNK]"},
    }


class Tokenizer:
    def __init__(self, tokenizer_json):
        self.vocab = tokenizer_json["model"]["vocab"]

    def encode(self, text):
        ids = [self.vocab.get(w, UNK) for w in words(text)][:LENGTH]
        return ids + [PAD] * (LENGTH - len(ids))

    @staticmethod
    def load(path):
        with open(path) as f:
            return Tokenizer(json.load(f))
