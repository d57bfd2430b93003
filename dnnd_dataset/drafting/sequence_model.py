"""A CRF over syllable tokens that ranks and completes the rules' candidates.

It is trained on the corpus's own annotations, on the grid of the ``ner`` table (sentences
of syllable tokens, BIO tags of the flat layer of mentions outside boilerplate), with
features from the rules' candidates, the gazetteers and the parts of speech of the same
text, besides the syllables themselves. So it learns how far to trust each source, and
names spans that no rule found but that look like what annotators mark.

Training is deterministic: the same sequences give the same model bytes (L-BFGS from zero
weights, features in text order).
"""

from __future__ import annotations

import bisect
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dnnd_dataset.drafting.known_names import Hit
from dnnd_dataset.drafting.pos import Word
from dnnd_dataset.segmentation import Sentence, sentences

LABELS = ("PERSON", "ORGANIZATION", "DIRECTIVE", "MEETING", "LOCATION")
# L1 and L2 weights and the iteration cap: small data, so a sparse model that stops early.
PARAMS = {"c1": 0.05, "c2": 0.05, "max_iterations": 100, "feature.possible_transitions": 1}


@dataclass
class Marks:
    """What the other sources found in a text: the features of the model."""

    rules: list[Hit] = field(default_factory=list)
    places: list[tuple[int, int]] = field(default_factory=list)
    words: list[Word] = field(default_factory=list)


def _shape(token: str) -> str:
    if token.isdigit():
        return "d"
    if not token[:1].isalpha():
        return "p"
    if token.isupper():
        return "X" if len(token) > 1 else "X1"
    return "Xx" if token[0].isupper() else "x"


def _bio(spans: Iterable[tuple[int, int, str]], tokens: Sequence[tuple[int, int]]) -> list[str]:
    """B-/I- of the spans on the tokens (the first span over a token wins); O elsewhere."""
    tags = ["O"] * len(tokens)
    starts = [t[0] for t in tokens]
    for start, end, label in sorted(spans):
        first = bisect.bisect_left(starts, start)
        index = first
        while index < len(tokens) and tokens[index][1] <= end:
            if tags[index] == "O":
                tags[index] = ("B-" if index == first else "I-") + label
            index += 1
    return tags


def features(text: str, sentence: Sentence, marks: Marks) -> list[list[str]]:
    """The features of each token of ``sentence``."""
    tokens = sentence.tokens
    words = [t for t in (text[s:e] for s, e in tokens)]
    rules = _bio(((h.start, h.end, h.label) for h in marks.rules), tokens)
    places = _bio(((s, e, "P") for s, e in marks.places), tokens)
    tags = _bio(((w.start, w.end, w.tag) for w in marks.words), tokens)
    rows: list[list[str]] = []
    for i, word in enumerate(words):
        row = [
            "bias",
            f"w={word.lower()}",
            f"s={_shape(word)}",
            f"r={rules[i]}",
            f"g={places[i]}",
            f"t={tags[i]}",
            f"tp={tags[i][2:]}",
        ]
        for offset in (-2, -1, 1, 2):
            j = i + offset
            if 0 <= j < len(words):
                row += [f"{offset}w={words[j].lower()}", f"{offset}s={_shape(words[j])}"]
                if abs(offset) == 1:
                    row += [f"{offset}r={rules[j]}", f"{offset}tp={tags[j][2:]}"]
            else:
                row.append(f"{offset}edge")
        if i > 0:
            row.append(f"ww={words[i - 1].lower()}|{word.lower()}")
        rows.append(row)
    return rows


def gold_tags(sentence: Sentence, gold: Iterable[Hit]) -> list[str]:
    """The BIO tags of the flat gold spans on the sentence's tokens."""
    return _bio(((h.start, h.end, h.label) for h in gold), sentence.tokens)


@dataclass(frozen=True)
class Example:
    """One article for training: its text, boilerplate, gold spans and marks."""

    text: str
    boilerplate: list[tuple[int, int]]
    gold: list[Hit]
    marks: Marks


def train(examples: Sequence[Example]) -> bytes:
    """The model trained on ``examples``, as the bytes of a CRFsuite model file."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    trainer.select("lbfgs", "crf1d")
    for example in examples:
        for sentence in sentences(example.text, example.boilerplate):
            if sentence.tokens:
                trainer.append(
                    features(example.text, sentence, example.marks),
                    gold_tags(sentence, example.gold),
                )
    trainer.set_params(PARAMS)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.crfsuite"
        trainer.train(str(path))
        return path.read_bytes()


@dataclass(frozen=True)
class Scored:
    """A span the model tags, with the mean marginal probability of its tags."""

    start: int
    end: int
    label: str
    score: float


class Model:
    """A trained model, opened from its bytes (checked by the caller before)."""

    def __init__(self, content: bytes) -> None:
        import pycrfsuite

        self.content = content
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open_inmemory(content)
        self._labels = set(self._tagger.labels())

    def spans(self, text: str, boilerplate: list[tuple[int, int]], marks: Marks) -> list[Scored]:
        """The spans the model tags in ``text``, and the score of each."""
        found: list[Scored] = []
        self._scores: dict[tuple[int, int, str], float] = {}
        for sentence in sentences(text, boilerplate):
            if not sentence.tokens:
                continue
            self._tagger.set(features(text, sentence, marks))
            tags = self._tagger.tag()
            found += self._decode(sentence.tokens, tags)
            self._remember(sentence.tokens, marks)
        return found

    def _decode(self, tokens: Sequence[tuple[int, int]], tags: list[str]) -> list[Scored]:
        found: list[Scored] = []
        index = 0
        while index < len(tags):
            tag = tags[index]
            if tag == "O" or tag.startswith("I-"):
                index += 1
                continue
            label = tag[2:]
            end = index + 1
            while end < len(tags) and tags[end] == f"I-{label}":
                end += 1
            score = self._span_score(index, end, label)
            found.append(Scored(tokens[index][0], tokens[end - 1][1], label, score))
            index = end
        return found

    def _span_score(self, first: int, end: int, label: str) -> float:
        wanted = [f"B-{label}"] + [f"I-{label}"] * (end - first - 1)
        if any(tag not in self._labels for tag in wanted):
            return 0.0
        values = [float(self._tagger.marginal(tag, first + k)) for k, tag in enumerate(wanted)]
        return min(values)

    def _remember(self, tokens: Sequence[tuple[int, int]], marks: Marks) -> None:
        """The score of every rule candidate that falls on this sentence's tokens."""
        starts = [t[0] for t in tokens]
        ends = [t[1] for t in tokens]
        for hit in marks.rules:
            first = bisect.bisect_left(starts, hit.start)
            last = bisect.bisect_left(ends, hit.end)
            if (
                first < len(tokens)
                and last < len(tokens)
                and starts[first] == hit.start
                and ends[last] == hit.end
            ):
                score = self._span_score(first, last + 1, hit.label)
                self._scores[(hit.start, hit.end, hit.label)] = score

    def score(self, hit: Hit) -> float | None:
        """The score of a rule candidate seen by the last ``spans`` call, if on the grid."""
        return self._scores.get((hit.start, hit.end, hit.label))


def write_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to ``path`` whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_bytes(content)
    os.replace(partial, path)
