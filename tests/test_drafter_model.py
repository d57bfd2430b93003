"""The drafter's sequence model: trained on the corpus alone, the same for the same corpus,
cached sealed in the user's cache folder and never read unsealed; the draft extra's note."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dnnd_dataset import sealing
from dnnd_dataset.cli import main
from dnnd_dataset.drafting import drafter_model, extras
from dnnd_dataset.drafting.candidates import ALL
from dnnd_dataset.drafting.sequence_model import Example, Model, train

from .conftest import RAW


@pytest.fixture
def user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    sealing._secrets.clear()
    yield tmp_path / "cache" / "dnnd-dataset"
    sealing._secrets.clear()


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return list(drafter_model.training_examples(RAW, ALL).values())


def test_the_same_corpus_gives_the_same_model(examples: list[Example]) -> None:
    first, second = train(examples), train(list(examples))
    assert first == second
    text = examples[0].text
    model_a, model_b = Model(first), Model(second)
    spans = model_a.spans(text, examples[0].boilerplate, examples[0].marks)
    assert spans == model_b.spans(text, examples[0].boilerplate, examples[0].marks)
    assert spans  # it tags what the corpus marks


def test_only_reviewed_articles_teach_the_model(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    before = drafter_model.corpus_key(raw)
    documents = sorted((raw / "documents").glob("*.yaml"))
    reviewed = set(drafter_model.training_examples(raw))
    assert reviewed == {path.stem for path in documents}
    # A draft awaiting review changes neither the examples nor the key.
    (raw / "documents" / "900-draft.txt").write_text("Tiêu đề\n\nNội dung.\n", "utf-8")
    (raw / "documents" / "900-draft.yaml").write_text(
        "article_id: 900-draft\ntitle: {quote: Tiêu đề, proposed: true}\n", "utf-8"
    )
    assert drafter_model.corpus_key(raw) == before
    # A reviewed change does.
    path = documents[0]
    path.write_text(path.read_text("utf-8") + "\n", "utf-8")
    assert drafter_model.corpus_key(raw) != before


def test_a_model_is_cached_sealed_and_an_unsealed_one_is_never_read(
    user_cache: Path, tmp_path: Path
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    model = drafter_model.model_for(raw)
    assert model is not None
    (cached,) = (user_cache / "drafter").glob("*.crfsuite")
    assert cached.name == f"{drafter_model.corpus_key(raw)}.crfsuite"
    sealed = cached.read_bytes()
    assert sealed[32:] == model.content
    # Read back, not trained again: the same bytes.
    again = drafter_model.model_for(raw)
    assert again is not None and again.content == model.content
    # A file whose seal does not match (another's, or edited) is replaced by a fresh model.
    forged = sealed[:32] + sealed[32:].replace(b"B-PERSON", b"B-PERSOM", 1)
    cached.write_bytes(forged)
    fresh = drafter_model.model_for(raw)
    assert fresh is not None and fresh.content == model.content
    assert cached.read_bytes() == sealed


def test_train_drafter_trains_and_reports(
    user_cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    assert main(["train-drafter", "--raw", str(raw)]) == 0
    (cached,) = (user_cache / "drafter").glob("*.crfsuite")
    out = capsys.readouterr().out
    assert out == (
        f"trained the drafter on 5 reviewed article(s): {cached} "
        f"({cached.stat().st_size - 32} bytes)\n"
    )


def test_without_the_draft_extra_the_add_says_drafts_are_thinner(
    user_cache: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(RAW, raw)
    for module in ("underthesea", "vietnamadminunits", "babel"):
        monkeypatch.setitem(sys.modules, module, None)  # an import of it fails
    assert extras.missing() == ["underthesea", "vietnamadminunits", "babel"]
    text = tmp_path / "bai.txt"
    text.write_text("Tiêu đề\n\nSáng 3/4, ông Trần Văn Hai thăm tỉnh Nghệ An.\n", "utf-8")
    assert main(["add", str(text), "--raw", str(raw)]) == 0
    notes = [line for line in capsys.readouterr().out.splitlines() if line.startswith("note:")]
    assert notes[-1] == (
        "note: drafts will be thinner without underthesea (word segmentation and parts of "
        "speech); vietnamadminunits (provinces and districts); babel (countries and regions): "
        'the draft finds fewer names, places and dates (fix: pip install "dnnd-dataset[draft]")'
    )


def test_with_the_draft_extra_there_is_no_such_note() -> None:
    assert extras.missing() == []


def test_the_place_names_are_cached_sealed(user_cache: Path) -> None:
    from dnnd_dataset.drafting import gazetteers

    gazetteers.place_names.cache_clear()
    names = gazetteers.place_names()
    assert {"Hàn Quốc", "châu Âu", "tỉnh Quảng Nam", "TP. Hồ Chí Minh"} <= names
    (cached,) = (user_cache / "drafter").glob("places-*.json")
    sealed = cached.read_bytes()
    cached.write_bytes(sealed[:32] + b'["Atlantis"]')  # another's list under this seal
    gazetteers.place_names.cache_clear()
    assert gazetteers.place_names() == names
    assert cached.read_bytes() == sealed
    gazetteers.place_names.cache_clear()
