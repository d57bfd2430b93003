"""The ner table: tokens and sentences, BIO round trips over the real and the synthetic corpus,
and the alignment check of token-classification pipelines on every row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench import synth
from dnnd_dataset.bio import TaggedSpan, decode, encode, invalid_continuations
from dnnd_dataset.checking.ner_table import Misplaced, TokenGrid, ner_sentences
from dnnd_dataset.checking.pipeline import compile_corpus
from dnnd_dataset.records import NER_TAGS, Article, Mention, NerSentence
from dnnd_dataset.segmentation import sentences, tokenize

from . import synthetic
from .conftest import RAW
from .golden import GOLDEN


def words(text: str, spans: Sequence[tuple[int, int]]) -> list[str]:
    return [text[start:end] for start, end in spans]


# -- tokens ------------------------------------------------------------------------------------


def test_syllables_and_punctuation() -> None:
    text = "Chỉ thị số 04-CT/TW ngày 6/7/2011 (khóa XI)."
    assert words(text, tokenize(text)) == [
        "Chỉ", "thị", "số", "04", "-", "CT", "/", "TW", "ngày",
        "6", "/", "7", "/", "2011", "(", "khóa", "XI", ")", ".",
    ]  # fmt: skip


def test_tokens_at_offset_zero_and_at_the_end() -> None:
    assert tokenize("Đảng") == [(0, 4)]
    assert tokenize("“Đảng”") == [(0, 1), (1, 5), (5, 6)]
    assert tokenize("a b", 1) == [(2, 3)]
    assert tokenize("") == []


def test_separators_belong_to_no_token() -> None:
    # No-break space, zero-width space (Cf), a tab and a line break.
    text = "Ảnh:\u00a0Minh\u200bAnh\t\nX"
    assert words(text, tokenize(text)) == ["Ảnh", ":", "Minh", "Anh", "X"]


def test_combining_marks_stay_with_their_letter_or_sign() -> None:
    decomposed = "Vu\u031bo\u031b\u0323ng -\u0301x"
    assert words(decomposed, tokenize(decomposed)) == ["Vu\u031bo\u031b\u0323ng", "-\u0301", "x"]


# -- sentences ---------------------------------------------------------------------------------


def sentence_texts(text: str, excluded: Sequence[tuple[int, int]] = ()) -> list[str]:
    return [text[s.start : s.end] for s in sentences(text, excluded)]


def test_sentences_end_at_line_breaks_and_full_stops_before_capitals() -> None:
    text = "Tiêu đề không dấu chấm\n\nNgày 19/7, họp. Đồng chí dự... Các đại biểu! 2011 là năm"
    assert sentence_texts(text) == [
        "Tiêu đề không dấu chấm",
        "Ngày 19/7, họp.",
        "Đồng chí dự...",
        "Các đại biểu!",
        "2011 là năm",
    ]


def test_no_sentence_end_before_lower_case_after_initials_or_abbreviations() -> None:
    text = "Ông A. Nguyễn và T.Ư. Đảng ở TP. Hồ Chí Minh, v.v. và tiếp. (Ảnh) “Trích.” Hết"
    assert sentence_texts(text) == [
        "Ông A. Nguyễn và T.Ư. Đảng ở TP. Hồ Chí Minh, v.v. và tiếp.",
        "(Ảnh) “Trích.”",
        "Hết",
    ]


def test_excluded_spans_cut_sentences_and_hold_no_token() -> None:
    text = "Một hai. Ba bốn năm"
    start = text.index("bốn")
    assert sentence_texts(text, [(start, start + 3)]) == ["Một hai.", "Ba", "năm"]
    assert sentence_texts(text, [(0, len(text))]) == []


_alphabet = st.sampled_from([*"aĐđ ,.!?…\n\u00a0\u200b()“”-/0Ảạ\u0301", "TP", "T"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_alphabet, max_size=60).map("".join), st.data())
def test_sentences_partition_the_visible_text(text: str, data: st.DataObject) -> None:
    cut = data.draw(st.lists(st.integers(0, len(text)), max_size=4).map(sorted))
    excluded = list(zip(cut[::2], cut[1::2], strict=False))
    found = sentences(text, excluded)
    tokens = [token for sentence in found for token in sentence.tokens]
    covered = [offset for start, end in tokens for offset in range(start, end)]
    assert covered == sorted(set(covered)), "tokens overlap or are out of order"
    outside = [i for i in range(len(text)) if not any(a <= i < b for a, b in excluded)]
    visible = [i for i in outside if not (text[i].isspace() or text[i] == "\u200b")]
    assert covered == visible
    for sentence in found:
        assert (sentence.start, sentence.end) == (sentence.tokens[0][0], sentence.tokens[-1][1])
        assert "\n" not in text[sentence.start : sentence.end]
    assert sentences(text, excluded) == found


# -- BIO ---------------------------------------------------------------------------------------


def test_encode_tags_the_outermost_layout_exactly() -> None:
    text = "Hội nghị quán triệt Chỉ thị 04-CT/TW tại Hà Nội"
    tokens = tokenize(text)
    meeting = TaggedSpan(0, text.index(" tại"), "MEETING", "hn")
    place = TaggedSpan(text.index("Hà"), len(text), "LOCATION", None)
    tags, ids = encode(tokens, [meeting, place])
    assert [NER_TAGS[t] for t in tags] == ["B-MEETING"] + ["I-MEETING"] * 10 + [
        "O",
        "B-LOCATION",
        "I-LOCATION",
    ]
    assert ids == ["hn"] * 11 + [None, None, None]
    assert decode(tokens, tags, ids) == [meeting, place]


def test_adjacent_spans_of_one_label_stay_apart() -> None:
    tokens = tokenize("Ban A Ban B")
    spans = [TaggedSpan(0, 5, "ORGANIZATION", "a"), TaggedSpan(6, 11, "ORGANIZATION", "b")]
    tags, ids = encode(tokens, spans)
    assert [NER_TAGS[t] for t in tags] == [
        "B-ORGANIZATION",
        "I-ORGANIZATION",
        "B-ORGANIZATION",
        "I-ORGANIZATION",
    ]
    assert decode(tokens, tags, ids) == spans


def test_encode_refuses_what_bio_cannot_say() -> None:
    tokens = tokenize("Hà Nội mới")
    with pytest.raises(ValueError, match="does not start and end on token boundaries"):
        encode(tokens, [TaggedSpan(0, 4, "LOCATION", None)])
    with pytest.raises(ValueError, match="overlaps another span"):
        encode(tokens, [TaggedSpan(0, 6, "LOCATION", None), TaggedSpan(3, 10, "LOCATION", None)])


def test_invalid_continuations() -> None:
    index = {tag: i for i, tag in enumerate(NER_TAGS)}
    tags = ["I-PERSON", "B-PERSON", "I-PERSON", "O", "I-LOCATION", "B-MEETING", "I-DIRECTIVE"]
    assert invalid_continuations([index[t] for t in tags]) == [0, 4, 6]


@st.composite
def grid_and_spans(draw: st.DrawFn) -> tuple[list[tuple[int, int]], list[TaggedSpan]]:
    count = draw(st.integers(0, 30))
    tokens = [(2 * i, 2 * i + 1) for i in range(count)]
    cuts = sorted(draw(st.sets(st.integers(0, count), max_size=count + 1)))
    spans = []
    for first, last in zip(cuts[::2], cuts[1::2], strict=False):
        if first < last:
            label = draw(st.sampled_from(["PERSON", "ORGANIZATION", "LOCATION"]))
            entity = None if label == "LOCATION" else draw(st.sampled_from(["a", "b-c"]))
            spans.append(TaggedSpan(tokens[first][0], tokens[last - 1][1], label, entity))
    return tokens, spans


@settings(max_examples=300, deadline=None)
@given(grid_and_spans())
def test_decode_inverts_encode(case: tuple[list[tuple[int, int]], list[TaggedSpan]]) -> None:
    tokens, spans = case
    tags, ids = encode(tokens, spans)
    assert decode(tokens, tags, ids) == spans
    assert invalid_continuations(tags) == []


# -- the table over whole corpora --------------------------------------------------------------


def flat_layer(article: Article, mentions: Sequence[Mention]) -> list[TaggedSpan]:
    """Written from the definition, not from the builder's code: the rows outside boilerplate
    that no other mention contains."""
    outside = [
        m
        for m in mentions
        if m.article_id == article.article_id
        and not any(b.start <= m.start and m.end <= b.end for b in article.boilerplate)
    ]
    return sorted(
        TaggedSpan(m.start, m.end, m.label, m.entity_id)
        for m in outside
        if not any(
            o.start <= m.start and m.end <= o.end and (o.start, o.end) != (m.start, m.end)
            for o in outside
        )
    )


def check_alignment(row: NerSentence, article: Article) -> None:
    """What a transformers token-classification pipeline assumes of each example."""
    n = len(row.tokens)
    assert n > 0
    assert (len(row.ner_tags), len(row.token_starts), len(row.token_ends)) == (n, n, n)
    assert len(row.entity_ids) == n
    names = [NER_TAGS[tag] for tag in row.ner_tags]
    for previous, tag in zip(["O", *names], names, strict=False):
        assert not (tag.startswith("I-") and previous[2:] != tag[2:]), (previous, tag)
    for token, start, end in zip(row.tokens, row.token_starts, row.token_ends, strict=True):
        assert token == article.text[start:end] and token.strip() == token != ""
    assert row.text == article.text[row.start : row.end]
    assert (row.token_starts[0], row.token_ends[-1]) == (row.start, row.end)
    for name, entity_id in zip(names, row.entity_ids, strict=True):
        assert (entity_id is None) == (name == "O" or name.endswith("-LOCATION"))


def check_table(
    articles: Sequence[Article], mentions: Sequence[Mention], rows: Sequence[NerSentence]
) -> None:
    by_article: dict[str, list[NerSentence]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r.article_id, r.sentence_index)):
        by_article[row.article_id].append(row)
    assert set(by_article) <= {a.article_id for a in articles}
    for article in articles:
        own = by_article[article.article_id]
        assert [row.sentence_index for row in own] == list(range(len(own)))
        for row in own:
            check_alignment(row, article)
            for b in article.boilerplate:
                assert row.end <= b.start or b.end <= row.start, "a sentence holds boilerplate"
        decoded = [
            span
            for row in own
            for span in decode(
                list(zip(row.token_starts, row.token_ends, strict=True)),
                row.ner_tags,
                row.entity_ids,
            )
        ]
        assert decoded == flat_layer(article, mentions), article.article_id


@pytest.fixture(scope="module")
def real_tables() -> dict[str, list[object]]:
    result = compile_corpus(RAW)
    assert result.report.valid, result.report.format()
    return dict(result.tables)  # type: ignore[arg-type]


def test_round_trip_and_alignment_on_the_real_corpus(real_tables) -> None:
    check_table(real_tables["articles"], real_tables["mentions"], real_tables["ner"])
    assert {row.article_id for row in real_tables["ner"]} == {
        article.article_id for article in real_tables["articles"]
    }


def test_the_real_corpus_nests_and_has_boilerplate_mentions(real_tables) -> None:
    """So that the round trip above tests the nesting and boilerplate rules, not vacuously."""
    mentions = [m for m in real_tables["mentions"] if m.article_id in GOLDEN]
    articles = [a for a in real_tables["articles"] if a.article_id in GOLDEN]
    flat = sum(len(flat_layer(article, mentions)) for article in articles)
    in_boilerplate = [
        m
        for a in articles
        for m in mentions
        if m.article_id == a.article_id
        and any(b.start <= m.start and m.end <= b.end for b in a.boilerplate)
    ]
    assert [m for m in mentions if m.in_boilerplate] == in_boilerplate
    assert (len(mentions), flat, len(in_boilerplate)) == (293, 251, 22)


def test_round_trip_and_alignment_on_the_benchmark_corpus(tmp_path) -> None:
    raw = tmp_path / "raw"
    synth.write_corpus(raw, 30, seed=11)
    result = compile_corpus(raw)
    assert result.report.valid, result.report.format()
    tables: dict[str, Any] = dict(result.tables)
    check_table(tables["articles"], tables["mentions"], tables["ner"])
    assert len({row.article_id for row in tables["ner"]}) == 30
    assert len(tables["ner"]) > 30 * 10


def test_round_trip_and_alignment_on_the_synthetic_corpus() -> None:
    check_table(synthetic.articles(), synthetic.mentions(), synthetic.ner())


def test_the_synthetic_rows_exactly() -> None:
    rows = {(r.article_id, r.sentence_index): r for r in synthetic.ner()}
    body = rows[("hoi-nghi-2011", 1)]
    assert (
        body.text
        == "Ngày 19/7, Ban Bí thư đã tổ chức Hội nghị quán triệt Chỉ thị 04-CT/TW ngày 6/7/2011."
    )
    assert list(zip(body.tokens, body.tags, body.entity_ids, strict=True))[5:18] == [
        ("Ban", "B-ORGANIZATION", "ban-bi-thu"),
        ("Bí", "I-ORGANIZATION", "ban-bi-thu"),
        ("thư", "I-ORGANIZATION", "ban-bi-thu"),
        ("đã", "O", None),
        ("tổ", "O", None),
        ("chức", "O", None),
        ("Hội", "B-MEETING", synthetic.MEETING_2011),
        ("nghị", "I-MEETING", synthetic.MEETING_2011),
        ("quán", "I-MEETING", synthetic.MEETING_2011),
        ("triệt", "I-MEETING", synthetic.MEETING_2011),
        ("Chỉ", "I-MEETING", synthetic.MEETING_2011),  # the nested directive is not tagged
        ("thị", "I-MEETING", synthetic.MEETING_2011),
        ("04", "I-MEETING", synthetic.MEETING_2011),
    ]
    # The caption in boilerplate is in no sentence; the byline after it is.
    last = max(
        (r for r in rows.values() if r.article_id == "tong-ket-2021"),
        key=lambda r: r.sentence_index,
    )
    assert (last.tokens, last.tags) == (["Minh", "Anh"], ["B-PERSON", "I-PERSON"])
    assert all("Ảnh" not in r.tokens for r in rows.values())


def test_rows_of_an_article_without_mentions_are_all_outside() -> None:
    article = synthetic.articles()[1]
    rows = ner_sentences(article, [])
    assert rows and all(set(r.tags) == {"O"} for r in rows)
    assert all(set(r.entity_ids) == {None} for r in rows)


_pieces = st.sampled_from(
    ["Hà", "Nội", "Đảng", "\u00d0ảng", ",", ".", "04-CT/TW", "A.", "TP.", "“Ảnh”", "\n", "(", ")"]
)


@st.composite
def article_with_mentions(draw: st.DrawFn) -> tuple[Article, list[Mention]]:
    text = draw(
        st.lists(st.tuples(_pieces, st.sampled_from([" ", "", "\u00a0", "\n\n"])), max_size=40)
        .map(lambda parts: "".join(piece + gap for piece, gap in parts))
        .filter(bool)
    )
    cut = draw(st.lists(st.integers(0, len(text)), max_size=4, unique=True).map(sorted))
    boilerplate = [(a, b) for a, b in zip(cut[::2], cut[1::2], strict=False)]
    article = Article.model_validate(
        {
            **synthetic.articles()[1].model_dump(),
            "article_id": "a",
            "text": text,
            "text_normalized": text,
            "boilerplate": [{"start": a, "end": b, "kind": "page_chrome"} for a, b in boilerplate],
        }
    )
    grid = sentences(text, boilerplate)
    spans: list[tuple[int, int]] = []
    for _ in range(draw(st.integers(0, 8))):
        if not grid:
            break
        sentence = grid[draw(st.integers(0, len(grid) - 1))]
        first = draw(st.integers(0, len(sentence.tokens) - 1))
        last = draw(st.integers(first, len(sentence.tokens) - 1))
        span = (sentence.tokens[first][0], sentence.tokens[last][1])
        crosses = any(a < span[0] < b < span[1] or span[0] < a < span[1] < b for a, b in spans)
        if not crosses and span not in spans:
            spans.append(span)
    spans += [(a, b) for a, b in boilerplate if draw(st.booleans()) and (a, b) not in spans]
    mentions = [
        Mention(
            article_id="a",
            start=start,
            end=end,
            text=text[start:end],
            label=draw(st.sampled_from(["PERSON", "ORGANIZATION", "LOCATION"])),
            entity_id=None,
            in_boilerplate=any(a <= start and end <= b for a, b in boilerplate),
        )
        for start, end in spans
    ]
    mentions = [
        m.model_copy(update={"entity_id": None if m.label == "LOCATION" else "e"}) for m in mentions
    ]
    return article, mentions


@settings(max_examples=300, deadline=None)
@given(article_with_mentions())
def test_round_trip_on_generated_articles(case: tuple[Article, list[Mention]]) -> None:
    """Mentions at offset 0 and at the end of the text, nested, adjacent, in boilerplate."""
    article, mentions = case
    rows = ner_sentences(article, mentions)
    check_table([article], mentions, rows)
    assert ner_sentences(article, list(reversed(mentions))) == rows


def test_the_grid_says_where_a_span_leaves_it() -> None:
    text = "Hà Nội mới. Ảnh: Minh Anh\nBanner"
    grid = TokenGrid(text, [(text.index("Banner"), len(text))])
    assert grid.misplaced(0, 6) is None
    assert grid.misplaced(0, 5) == Misplaced(
        "mention-splits-token",
        "'Hà Nộ' ends inside the token 'Nội'; ner tokens are runs of letters and digits, and "
        "each other character on its own",
        "quote whole tokens, without spaces at either end",
    )
    on_space = grid.misplaced(0, 3)
    assert on_space is not None
    assert on_space.message.startswith("'Hà ' ends on a space or a line break")
    assert grid.misplaced(7, 15) == Misplaced(
        "mention-crosses-sentence",
        "'mới. Ảnh' runs over the end of the sentence 'Hà Nội mới.'",
        "quote a span within one sentence (a line break, a boilerplate span or a full stop "
        "before a capital ends a sentence)",
    )
    end = len(text)
    into_banner = grid.misplaced(text.index("Minh"), end)
    assert into_banner is not None
    assert into_banner.message == (
        "'Minh Anh\\nBanner' runs into the boilerplate span 'Banner' without lying inside it"
    )


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from(list("Đảng và Nhà nước. Ông A! “Họ” 04-CT/TW\n…")), max_size=80
    ),
    cut=st.tuples(st.integers(0, 80), st.integers(0, 20)),
)
def test_the_grid_finds_the_sentence_of_every_token_start_and_end(
    text: str, cut: tuple[int, int]
) -> None:
    start = min(cut[0], len(text))
    boilerplate = [(start, min(start + cut[1], len(text)))] if cut[1] else []
    grid = TokenGrid(text, boilerplate)
    starts = {t[0]: i for i, s in enumerate(grid.tokens.sentences()) for t in s.tokens}
    ends = {t[1]: i for i, s in enumerate(grid.tokens.sentences()) for t in s.tokens}
    for offset in range(len(text) + 1):  # offset 0 and the end of the text included
        assert grid.sentence_of_start(offset) == starts.get(offset)
        assert grid.sentence_of_end(offset) == ends.get(offset)
