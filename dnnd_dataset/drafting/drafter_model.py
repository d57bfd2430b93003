"""The sequence model of a corpus: trained on its annotations, cached sealed, never trusted.

A model is trained afresh from ``raw/`` whenever the corpus (or the drafter's code or
libraries) changed, and kept in the user's cache folder, never beside the corpus: a model
file in a checkout could be anyone's. What is cached is sealed with an HMAC-SHA256 of the
corpus key and the model bytes under the user's secret (``dnnd_dataset.sealing``, as the
document cache does); a file whose seal does not match is ignored and the model trained
again. The same corpus always gives the same model bytes.

Only reviewed articles teach the model: a draft still awaiting review (proposals, proposed
items) is left out, like an article that does not load.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from importlib import metadata
from pathlib import Path

from dnnd_dataset import sealing
from dnnd_dataset.drafting import candidates, extras
from dnnd_dataset.drafting.knowledge import Knowledge, knowledge_of
from dnnd_dataset.drafting.known_names import Hit
from dnnd_dataset.drafting.sequence_model import Example, Model, train, write_atomically
from dnnd_dataset.drafting.spans import draft_hits
from dnnd_dataset.errors import DnndError
from dnnd_dataset.reading.anchoring import AnchorProblem, resolve
from dnnd_dataset.reading.raw_loading import load_documents, load_registries
from dnnd_dataset.reading.raw_models import DocumentAnnotation
from dnnd_dataset.textnorm import normalize

_PACKAGE = Path(__file__).resolve().parents[1]
_MAC_SIZE = 32
_FOLDER = "drafter"
_KEPT = 4


def _environment() -> bytes:
    versions = []
    for name in ("underthesea", "underthesea_core", "vietnamadminunits", "babel"):
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=-")
    versions.append(f"python-crfsuite={metadata.version('python-crfsuite')}")
    return ",".join(versions).encode()


# A draft awaiting review marks its items so; training leaves such an article out, and so
# does the key, so that `dnnd add` (which writes a draft) does not make the next one retrain.
_PENDING = re.compile(rb"^[^#\n]*\bproposed: true\b", re.MULTILINE)


def corpus_key(raw: Path) -> str:
    """The digest of everything a model depends on: the corpus's files (but drafts awaiting
    review), the drafter's code, the libraries' versions."""
    digest = hashlib.sha256(_environment())
    code = [*_PACKAGE.glob("drafting/*.py"), _PACKAGE / "segmentation.py"]
    for path in sorted(code):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    files = sorted(p for folder in ("documents", "registry") for p in (raw / folder).rglob("*"))
    pending = {
        path.with_suffix("")
        for path in files
        if path.suffix == ".yaml"
        and path.parent == raw / "documents"
        and path.is_file()
        and _PENDING.search(path.read_bytes())
    }
    for path in files:
        if path.is_file() and path.with_suffix("") not in pending:
            relative = path.relative_to(raw).as_posix().encode()
            content = path.read_bytes()
            digest.update(len(relative).to_bytes(8, "big") + relative)
            digest.update(len(content).to_bytes(8, "big") + content)
    return digest.hexdigest()


def training_examples(
    raw: Path, sources: candidates.Sources = candidates.ALL
) -> dict[str, Example]:
    """The reviewed articles of ``raw`` by id: text, boilerplate, flat gold spans, marks."""
    registries = load_registries(raw, [])
    located, texts, _ = load_documents(raw, [])
    documents = [d.model for d in located]
    knowledge = knowledge_of(
        {name: [entry.model for entry in entries] for name, entries in registries.items()},
        documents,
    )
    examples = {}
    for document in documents:
        source = texts.get(document.article_id)
        if source is None or document.proposed_items():
            continue
        examples[document.article_id] = example_of(document, source.text, knowledge, sources)
    return examples


def example_of(
    document: DocumentAnnotation, text: str, knowledge: Knowledge, sources: candidates.Sources
) -> Example:
    """One article as a training example, its gold as the ``ner`` table's flat layer."""
    norm = normalize(text).replace("\r", "\n")
    boilerplate = []
    for item in document.boilerplate:
        found = resolve(norm, item)
        if not isinstance(found, AnchorProblem):
            boilerplate.append((found.start, found.end))
    outside = [
        h
        for h in draft_hits(document, text, knowledge)
        if not any(s <= h.start and h.end <= e for s, e in boilerplate)
    ]
    gold: list[Hit] = []
    reach = -1
    for hit in sorted(outside, key=lambda h: (h.start, -h.end)):
        if hit.end > reach:
            gold.append(hit)
        reach = max(reach, hit.end)
    return Example(norm, boilerplate, gold, candidates.marks(norm, sources))


def model_for(raw: Path, sources: candidates.Sources = candidates.ALL) -> Model | None:
    """The model of the corpus in ``raw``: from the user's cache when sealed by this user for
    this corpus, else trained and cached. None without python-crfsuite or reviewed articles."""
    if not extras.available("pycrfsuite"):
        return None
    key = corpus_key(raw)
    path = sealing.user_cache() / _FOLDER / f"{key}.crfsuite"
    content = _cached(path, key)
    if content is None:
        examples = training_examples(raw, sources)
        if not examples:
            return None
        content = train(list(examples.values()))
        _store(path, key, content)
    return Model(content)


def retrain(raw: Path) -> tuple[Path, int, int]:
    """Train the model of ``raw`` afresh and cache it: its path, the number of reviewed
    articles it learned from, and its size in bytes.

    Raises DnndError without python-crfsuite or without a reviewed article.
    """
    if not extras.available("pycrfsuite"):
        raise DnndError(
            'the sequence model needs python-crfsuite (fix: pip install "dnnd-dataset[draft]")'
        )
    examples = training_examples(raw)
    if not examples:
        raise DnndError(
            f"{raw}: no reviewed article to learn from (fix: review and accept a draft first)"
        )
    key = corpus_key(raw)
    path = sealing.user_cache() / _FOLDER / f"{key}.crfsuite"
    content = train(list(examples.values()))
    _store(path, key, content)
    return path, len(examples), len(content)


def _cached(path: Path, key: str) -> bytes | None:
    try:
        sealed = path.read_bytes()
        mac, content = sealed[:_MAC_SIZE], sealed[_MAC_SIZE:]
        expected = sealing.seal(key, content)
    except OSError:
        return None
    return content if hmac.compare_digest(mac, expected) else None


def _store(path: Path, key: str, content: bytes) -> None:
    """Keep the model for the next draft; a cache that cannot be written only costs time."""
    try:
        write_atomically(path, sealing.seal(key, content) + content)
        # The few latest models are kept (two corpora drafted in turn), no more.
        others = sorted(
            (o for o in path.parent.glob("*.crfsuite") if o != path),
            key=lambda o: o.stat().st_mtime,
        )
        for other in others[:-_KEPT]:
            other.unlink(missing_ok=True)
    except OSError:
        return
