"""Properties of the pieces every span and code goes through, over generated inputs."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

from dnnd_dataset.directive_codes import canonical_code, find_codes
from dnnd_dataset.reading.anchoring import Span, resolve, resolve_all
from dnnd_dataset.reading.raw_models import Anchor
from dnnd_dataset.reading.rawio import load_yaml
from dnnd_dataset.textnorm import LOOKALIKES, normalize

VIETNAMESE = st.text(
    alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyĐÐ ÁàẢãạ\u00a0\n.,-–")),
    max_size=80,
)


@given(VIETNAMESE)
def test_normalize_keeps_length_and_is_idempotent(text: str) -> None:
    normalized = normalize(text)
    assert len(normalized) == len(text)
    assert normalize(normalized) == normalized
    assert not set(normalized) & set(LOOKALIKES)


@given(VIETNAMESE, st.data())
def test_an_anchor_resolves_to_its_quote(text: str, data: st.DataObject) -> None:
    if not text.strip():
        return
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    normalized = normalize(text)
    occurrences = [i for i in range(len(text)) if normalized.startswith(normalize(quote), i)]
    anchor = Anchor(quote=quote, occurrence=occurrences.index(start) + 1)
    span = resolve(normalized, anchor)
    assert span == Span(start, end)
    # Typing the look-alike-free spelling finds the same place.
    assert resolve(normalized, Anchor(quote=normalize(quote), occurrence=anchor.occurrence)) == span


@given(VIETNAMESE)
def test_every_occurrence_is_a_whole_word(text: str) -> None:
    found = resolve_all(normalize(text), Anchor(quote="Đảng"))
    if isinstance(found, list):
        for span in found:
            assert normalize(text)[span.start : span.end] == "Đảng"


@given(
    number=st.integers(1, 9999).map(str),
    kind=st.sampled_from(["CT", "NQ", "KL", "QĐ"]),
    first=st.sampled_from(["-", " - ", "–", " – ", "/"]),
    second=st.sampled_from(["/", "-", " / "]),
    issuer=st.sampled_from(["TW", "T.Ư"]),
    prefix=st.sampled_from(["", "Chỉ thị ", "Chỉ thị số ", "Nghị quyết số "]),
)
def test_press_variants_map_to_one_canonical_code(
    number: str, kind: str, first: str, second: str, issuer: str, prefix: str
) -> None:
    written = f"{prefix}{number}{first}{kind}{second}{issuer}"
    assert find_codes(written) == [f"{number}-{kind}/TW"]
    assert canonical_code(written) == f"{number}-{kind}/TW"


SCALARS = st.one_of(st.booleans(), st.integers(-(2**31), 2**31), VIETNAMESE, st.none())
TREES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(alphabet="abcxyz_", min_size=1, max_size=6), inner, max_size=4),
    ),
    max_leaves=12,
)


@given(TREES)
def test_yaml_reader_reads_back_what_safe_dump_writes(tree: object) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.yaml"
        path.write_text(yaml.safe_dump({"root": tree}, allow_unicode=True), encoding="utf-8")
        loaded = load_yaml(path, "t.yaml")
    assert loaded.data == {"root": tree}
    assert loaded.line_of(("root",)) == 1
