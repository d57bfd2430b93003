"""A record's repr fits a notebook cell: long texts and lists are cut, saying how long."""

from __future__ import annotations

from dnnd_dataset.records import REPR_ITEMS, REPR_TEXT, Article, Person

from .synthetic import sample_tables


def _article() -> Article:
    (article,) = [a for a in sample_tables()["articles"] if a.article_id == "tong-ket-2021"]  # type: ignore[attr-defined]
    assert isinstance(article, Article)
    return article


def test_a_long_text_is_cut_with_its_length() -> None:
    article = _article().model_copy(update={"text": "Đảng " * 2000})
    shown = repr(article)
    assert f"text={('Đảng ' * 2000)[:REPR_TEXT]!r}… (10000 characters)" in shown
    assert len(shown) < 1500
    assert article.text == "Đảng " * 2000  # the value itself is whole


def test_a_long_list_is_cut_with_its_size() -> None:
    ids = [f"p-{i}" for i in range(12)]
    article = _article().model_copy(update={"person_ids": ids})
    assert "person_ids=['p-0', 'p-1', 'p-2', 'p-3', 'p-4', …] (12 items)" in repr(article)
    assert REPR_ITEMS == 5


def test_a_long_text_in_a_short_list_is_cut() -> None:
    basis = "Đó là phát biểu " * 20
    article = _article().model_copy(
        update={
            "authors": ["A", "B"],
            "author_inferred": [True, False],
            "author_basis": [basis, None],
        }
    )
    assert f"author_basis=[{basis[:REPR_TEXT]!r}… (320 characters), None]" in repr(article)
    assert "authors=['A', 'B']" in repr(article)


def test_a_short_record_reads_as_usual() -> None:
    person = Person(
        person_id="ha-su",
        name="Hà Sự",
        other_names=["HÀ SỰ"],
        positions=[],
        roles=["author"],
        wikidata_id=None,
        article_ids=["003-cb987c258479b677"],
        boilerplate_article_ids=[],
        only_in_boilerplate=False,
    )
    assert repr(person) == (
        "Person(person_id='ha-su', name='Hà Sự', other_names=['HÀ SỰ'], positions=[], "
        "roles=['author'], wikidata_id=None, article_ids=['003-cb987c258479b677'], "
        "boilerplate_article_ids=[], only_in_boilerplate=False)"
    )


def test_every_real_article_repr_is_short() -> None:
    import dnnd_dataset as dnnd

    for article in dnnd.load("articles"):
        assert len(repr(article)) < 3000  # a text alone is up to 15,000 characters
