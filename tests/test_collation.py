"""Vietnamese order: the alphabet, the tones within a syllable, syllable by syllable."""

from __future__ import annotations

import random

from dnnd_dataset.explorer.collation import ALPHABET, sort_key

# The alphabet as Vietnamese dictionaries print it.
VIETNAMESE = list("aăâbcdđeêghiklmnoôơpqrstuưvxy")


def _sorted(words: list[str]) -> list[str]:
    shuffled = list(words)
    random.Random(0).shuffle(shuffled)
    return sorted(shuffled, key=sort_key)


def test_the_whole_alphabet_in_order() -> None:
    assert _sorted(VIETNAMESE) == VIETNAMESE
    assert _sorted([c.upper() for c in VIETNAMESE]) == [c.upper() for c in VIETNAMESE]
    assert [c for c in ALPHABET if c in VIETNAMESE] == VIETNAMESE


def test_the_tones_ngang_huyen_hoi_nga_sac_nang() -> None:
    assert _sorted(["mạ", "má", "mã", "mả", "mà", "ma"]) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    # Tones on a letter that has a mark of its own, upper case too.
    assert _sorted(["Ệ", "Ế", "Ễ", "Ể", "Ề", "Ê", "E"]) == ["E", "Ê", "Ề", "Ể", "Ễ", "Ế", "Ệ"]
    assert _sorted(["ược", "ưa", "ựa", "ứa", "ữa", "ửa", "ừa"]) == [
        "ưa", "ừa", "ửa", "ữa", "ứa", "ựa", "ược"
    ]  # fmt: skip


def test_letters_decide_before_tones() -> None:
    # The dictionary's order: every tone of "ma" before "mác"; "ăn" after every "a" word.
    assert _sorted(["mác", "mạ", "ma", "ăn", "ạch", "an"]) == ["ạch", "an", "ăn", "ma", "mạ", "mác"]


def test_names_in_vietnamese_order_not_code_point_order() -> None:
    names = ["Hồ Chí Minh", "Hà Nội", "Hoàng Văn Thụ", "Đặng Thị Ngọc Thịnh", "Dương Văn Minh"]
    assert _sorted(names) == [
        "Dương Văn Minh", "Đặng Thị Ngọc Thịnh", "Hà Nội", "Hoàng Văn Thụ", "Hồ Chí Minh"
    ]  # fmt: skip
    assert sorted(names) != _sorted(names)


def test_syllable_by_syllable() -> None:
    # The first syllable with its tone decides: all of "Lê ..." before "Lễ ...".
    assert _sorted(["Lễ An", "Lê Văn", "Lê Ánh", "Lê"]) == ["Lê", "Lê Ánh", "Lê Văn", "Lễ An"]
    assert _sorted(["Chỉ thị 32-CT/TW", "Chỉ thị 04-CT/TW", "Chỉ thị"]) == [
        "Chỉ thị", "Chỉ thị 04-CT/TW", "Chỉ thị 32-CT/TW"
    ]  # fmt: skip


def test_ties_are_broken_so_the_order_is_total() -> None:
    assert _sorted(["Ba", "ba", "BA"]) == ["ba", "Ba", "BA"]
    # The look-alike Ð (U+00D0) sorts as Đ, and precomposed equals decomposed.
    assert sort_key("\u00d0ảng")[0] == sort_key("Đảng")[0]
    assert sort_key("Vie\u0323\u0302t")[0] == sort_key("Việt")[0]


def test_foreign_letters_and_other_characters() -> None:
    assert _sorted(["Zürich", "Warszawa", "Fidel", "Jakarta", "Ê-đê"]) == [
        "Ê-đê", "Fidel", "Jakarta", "Warszawa", "Zürich"
    ]  # fmt: skip
    assert _sorted(["b", "(a)", "1"]) == ["1", "(a)", "b"]
