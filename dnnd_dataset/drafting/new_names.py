"""Names the registries do not know yet: persons after a title, bodies, places.

Vietnamese capitalizes the first syllable of each word of a proper name ("Ban Đối ngoại
Trung ương"), so a name is a run of capitalized words with the known second syllables of
compound words in between, and a person's name starts with a family name.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable

from dnnd_dataset.drafting.gazetteers import place_names
from dnnd_dataset.drafting.known_names import Hit
from dnnd_dataset.drafting.lexicon import (
    FAMILY_NAMES,
    HONORIFICS,
    MISSION_HEADS,
    NAME_JOINERS,
    ORGANIZATION_HEADS,
    TITLES,
)
from dnnd_dataset.drafting.pos import Word
from dnnd_dataset.drafting.tokens import Token, fold, runs, tokens

# Second syllables of compound words inside names of bodies ("Trung ương", "Đối ngoại").
_INNER = frozenset(
    """ương ngoại thư trị quốc trực nghị đạo tịch hợp hiệp đoàn bộ ban phòng vụ dân chức sự
    tế sản nhân tấn xã hội viên luận kỳ trận quan khẩu giáo tộc hữu ủy""".split()  # noqa: SIM905
)
_ADMIN = frozenset({"tỉnh", "huyện", "xã", "phố"})
# Words that make a head part of a longer word: "Đại hội", "Đảng bộ", "Ủy ban".
_COMPOUND_BEFORE = frozenset({"đại", "đảng", "ủy", "tổng", "học", "công"})
# Words that end a name in capitals: "BÁO AN GIANG ĐIỆN TỬ" is the site of "BÁO AN GIANG".
_UPPER_STOP = frozenset({"lần", "nhiệm", "tích", "về", "của", "và", "điện"})
_FAMILY = frozenset(fold(name) for name in FAMILY_NAMES)
_NOT_PLACES = frozenset({"hội", "đại", "lễ", "buổi", "đây", "đó"})
# One-word heads and titles: a name that holds one is no person's.
_HEAD_WORDS = frozenset(
    fold(phrase) for phrase in (*ORGANIZATION_HEADS, *TITLES) if " " not in phrase
)
# Words that end a run of small-letter words inside a name: what follows is no name.
_STRETCH_STOP = frozenset(
    """tại với cho của do và đã sẽ được là có đến từ trong theo về để nhằm cùng đang vừa trên
    dưới giữa khi này đó những năm ngày tháng sáng chiều tối hôm nay khóa nhiệm lần thứ dự tham
    phát trao tặng gặp thăm làm ký đón tiếp chúc nói nhấn khẳng đề""".split()  # noqa: SIM905
)
_ADMIN_WORDS = frozenset({"tỉnh", "huyện", "xã", "thành", "vùng", "quận", "phường", "tp"})
_COMPLETE_HEADS = frozenset({"Tỉnh ủy", "Thành ủy", "Huyện ủy"})
_HEAD_PHRASES = tuple(f"{fold(p)} " for p in (*ORGANIZATION_HEADS, *TITLES) if " " in p)
_HONORIFIC_WORDS = frozenset(h for h in HONORIFICS if " " not in h) | {"ngài"}
_CLAUSE_END = re.compile(r"[.;:!?\n()\"“”]")


def _is_family(token: Token) -> bool:
    return fold(token.text) in _FAMILY


def _person_tail(run: list[Token]) -> int | None:
    """Index in ``run`` where a 2-4 word personal name that ends the run begins."""
    for index, token in enumerate(run):
        if _is_family(token) and 2 <= len(run) - index <= 4:
            return index
    return None


def _clause_before(text: str, start: int) -> str:
    window = text[max(0, start - 120) : start]
    cut = max((m.end() for m in _CLAUSE_END.finditer(window)), default=0)
    return window[cut:]


def _titled(text: str, start: int, end: int) -> bool:
    before = fold(_clause_before(text, start))
    stripped = before.rstrip()
    if any(
        stripped.endswith(word)
        and (len(stripped) == len(word) or not stripped[-len(word) - 1].isalpha())
        for word in HONORIFICS
    ):
        return True
    for title in TITLES:
        at = before.rfind(title)
        if at == -1 or (at > 0 and before[at - 1].isalpha()):
            continue
        gap = before[at + len(title) :]
        if "," not in gap and len(gap.split()) <= 7:
            return True
    after = fold(text[end : end + 40])
    return after.startswith(", ") and any(after[2:].startswith(title) for title in TITLES)


def _word_at(words: list[Word], start: int, end: int) -> Word | None:
    """The tagged word that holds ``text[start:end]``, if one does."""
    at = bisect.bisect_right([w.start for w in words], start) - 1
    if at >= 0 and words[at].start <= start and end <= words[at].end:
        return words[at]
    return None


def _proper(words: list[Word], run: list[Token]) -> bool:
    """Every word of ``run`` lies in a proper noun (``Np``) of the tagger."""
    return bool(words) and all(
        (word := _word_at(words, token.start, token.end)) is not None and word.tag == "Np"
        for token in run
    )


def _after_honorific(text: str, start: int) -> bool:
    before = fold(text[max(0, start - 12) : start])
    return any(
        before.endswith(f"{word} ")
        and (len(before) == len(word) + 1 or not before[-len(word) - 2].isalpha())
        for word in HONORIFICS
    )


def _foreign_name(text: str, run: list[Token], words: list[Word]) -> tuple[int, int] | None:
    """A name that opens with no Vietnamese family name ("Anna Schmidt", "Tanaka Hiroshi",
    "Kim Min-jung"): after an honorific, or a proper noun after a title; places that open
    the run ("Đại sứ Hàn Quốc Park Ji-won") are left to the gazetteers."""
    while run and fold(run[0].text) in _HONORIFIC_WORDS:
        run = run[1:]  # "Bà Kim Hye-rin" opening a sentence
    if not run:
        return None
    first = 0
    known_places = place_names()
    for end in range(len(run), 0, -1):
        if text[run[0].start : run[end - 1].end] in known_places:
            first = end
            break
    name = run[first:]
    kind = text[max(0, run[0].start - 10) : run[0].start].split(" ")[-2:]
    if name and any(f"{w} {text[name[0].start : name[-1].end]}" in known_places for w in kind):
        return None  # "huyện Vân Đồn"
    if all(t.text.isupper() for t in name) or any(len(t.text) == 1 for t in name):
        return None
    opening = f"{fold(text[name[0].start : name[-1].end])} "
    if (
        not 1 <= len(name) <= 4
        or any(fold(t.text) in _HEAD_WORDS for t in name)
        or opening.startswith(_HEAD_PHRASES)
    ):
        return None
    start, end = name[0].start, name[-1].end
    if text[start:end] in known_places:
        return None
    if _after_honorific(text, start) and (len(name) >= 2 or _proper(words, name)):
        return start, end
    # A title before one capitalized word is more often a body's ("Bí thư Tỉnh ủy").
    if len(name) >= 2 and _proper(words, name) and _titled(text, start, end):
        return start, end
    return None


def new_persons(
    text: str, is_known: Callable[[str], bool], words: list[Word] | None = None
) -> list[Hit]:
    """Personal names after a title or honorific ("đồng chí Lê Hồng Anh") or before one,
    and foreign names in whatever order their language writes them."""
    found: list[Hit] = []
    for run in runs(text, tokens(text)):
        index = _person_tail(run)
        if index is None:
            span = _foreign_name(text, run, words or [])
            if span is not None and not is_known(text[span[0] : span[1]]):
                found.append(Hit(span[0], span[1], "PERSON"))
            continue
        start, end = run[index].start, run[-1].end
        if not is_known(text[start:end]) and _titled(text, start, end):
            found.append(Hit(start, end, "PERSON"))
    return found


def _heads(text: str) -> list[tuple[int, int]]:
    found = []
    for head in ORGANIZATION_HEADS:
        for m in re.finditer(rf"(?<!\w){re.escape(head)}(?!\w)", text, re.IGNORECASE):
            if m.group()[0].isupper():
                found.append((m.start(), m.end()))
    # "Đảng bộ" is one head, not "Đảng" followed by "bộ"; "Hội nghị" is a meeting.
    return [
        (s, e)
        for s, e in found
        if not any(s == s2 and e < e2 for s2, e2 in found)
        and not re.match(r" (?:nghị|thảo|đàm|trường|viên|chợ)(?!\w)", text[e : e + 8])
        # "TP. Hội An", "tỉnh Hội ...": a place, not a body's head
        and not re.search(r"(?:TP\.|tỉnh|huyện|thành phố|thị xã) $", text[max(0, s - 11) : s])
    ]


def _joined_list(text: str, words: list[Token], at: int) -> bool:
    """Whether the words from ``at`` are the rest of a list inside one name: capitalized
    words up to "và" and a last capitalized word ("Bộ Văn hóa, Thể thao và Du lịch")."""
    for index in range(at, min(at + 8, len(words) - 1)):
        word, gap = words[index], text[words[index].end : words[index + 1].start]
        if fold(word.text) == "và":
            return words[index + 1].capitalized and fold(words[index + 1].text) not in _HEAD_WORDS
        if gap != " " or (
            word.capitalized and (_is_family(word) or fold(word.text) in _HEAD_WORDS)
        ):
            return False
    return False


def _stretch_end(text: str, words: list[Token], at: int, tagged: list[Word]) -> int | None:
    """The last of the small-letter words from ``at`` that belong to a name because a place
    or a capitalized word of the name follows them ("Liên hiệp các tổ chức hữu nghị tỉnh
    Quảng Bình", "Quỹ Bảo trợ trẻ em Việt Nam"), or None."""
    index = at
    verbs = False
    while index < len(words) and index - at < 6:
        word = words[index]
        if text[words[index - 1].end : word.start] != " ":
            return None
        folded = fold(word.text)
        if word.capitalized or folded in _ADMIN_WORDS:
            break
        if folded in _STRETCH_STOP:
            return None
        tag = _word_at(tagged, word.start, word.end)
        verbs = verbs or (tag is not None and tag.tag == "V")
        index += 1
    if index == at or index >= len(words) or index - at >= 6:
        return None
    word = words[index]
    folded = fold(word.text)
    following = words[index + 1] if index + 1 < len(words) else None
    if folded in _ADMIN_WORDS:
        return (
            index - 1
            if following is not None and (following.capitalized or fold(following.text) == "phố")
            else None
        )
    if (verbs and index - at > 1) or _is_family(word) or folded in _HEAD_WORDS:
        return None
    return index - 1


def _with_own_province(text: str, words: list[Token], last: int) -> int:
    """``last``, or the kind of place after it that stands for the text's own province,
    city or district ("... hữu nghị tỉnh", "Ủy ban MTTQ Việt Nam thành phố")."""
    at = last + 1
    if at >= len(words) or text[words[last].end : words[at].start] != " ":
        return last
    folded = fold(words[at].text)
    if folded == "thành" and at + 1 < len(words) and fold(words[at + 1].text) == "phố":
        at += 1
    elif folded not in ("tỉnh", "huyện"):
        return last
    following = words[at + 1] if at + 1 < len(words) else None
    if (
        following is not None
        and following.capitalized
        and text[words[at].end : following.start] == " "
    ):
        return last  # a name follows: the loop took it, or it is no part of the body
    return at


def index_after_head(words: list[Token], first: int, head_end: int) -> int:
    """The index of the last word of a head that opens at ``words[first]``."""
    index = first
    while index + 1 < len(words) and words[index + 1].start <= head_end:
        index += 1
    return index


def _place_at(text: str, words: list[Token], at: int) -> bool:
    """A place the gazetteers know is named from ``words[at]`` on ("Hồ Chí Minh" after
    "TP."): no person's name, though it opens with a family name."""
    known = place_names()
    return any(
        text[words[at].start : words[end].end] in known
        for end in range(at, min(at + 4, len(words)))
    )


def _one_word(tagged: list[Word], before: Token, token: Token) -> bool:
    """The tagger reads ``before`` and ``token`` as syllables of one word ("Tuyên giáo")."""
    return _word_at(tagged, before.start, token.end) is not None


def new_organizations(
    text: str, is_known: Callable[[str], bool], tagged: list[Word] | None = None
) -> list[Hit]:
    """Bodies: a head word ("Ban", "Ủy ban", "Đảng bộ") and the words of its name after it:
    capitalized words, the other syllables of their compound words, and the joints of a
    name ("Hội Hữu nghị Pháp - Việt Nam", "Bộ Văn hóa, Thể thao và Du lịch")."""
    tagged = tagged or []
    words = tokens(text)
    starts = {token.start: i for i, token in enumerate(words)}
    found: list[Hit] = []
    for head_start, head_end in _heads(text):
        first = starts.get(head_start)
        if first is None or (
            first > 0
            and fold(words[first - 1].text) in _COMPOUND_BEFORE
            and text[words[first - 1].end : head_start] == " "
        ):
            continue
        after_head = next((w for w in words[first:] if w.start >= head_end), None)
        # A name in capitals ("CÔNG ĐOÀN TỈNH"), not an abbreviation before small letters.
        upper = text[head_start:head_end].isupper() and (
            after_head is None or (after_head.text.isupper() and after_head.text != "TP")
        )
        head_text = text[head_start:head_end]
        index = first
        while index + 1 < len(words) and words[index + 1].start <= head_end:
            index += 1  # the rest of a two-word head
        last = index
        admin_left: int | None = None
        before_person = False
        listed = False  # a list joined by commas inside the name: its last item follows 'và'
        while index + 1 < len(words):
            gap = text[words[index].end : words[index + 1].start]
            word = words[index + 1]
            folded = fold(word.text)
            if upper and (not word.text.isupper() or folded in _UPPER_STOP):
                break
            if gap in (" - ", ", ") and admin_left is None:
                joined = (
                    word.capitalized
                    and folded not in _HEAD_WORDS
                    and not _is_family(word)
                    and (gap == " - " or _joined_list(text, words, index + 1))
                )
                if not joined:
                    break
                index += 1
                last = index
                listed = listed or gap == ", "
                continue
            if gap == ". " and words[index].text in ("TP", "Tp") and word.capitalized:
                gap = " "  # "Sở Ngoại vụ TP. Hồ Chí Minh": the abbreviation's full stop
            if (
                gap == " "
                and folded == "tại"
                and head_text in MISSION_HEADS
                and index + 2 < len(words)
                and words[index + 2].capitalized
            ):
                index += 1  # "Đại sứ quán Pháp tại Việt Nam"
                continue
            if gap != " ":
                break
            # The capitalized words from here on, up to the first small one.
            tail_run = list(
                itertools.takewhile(lambda w: w.capitalized, words[index + 1 : index + 5])
            )
            rest = tail_run
            # After "tỉnh", three capitalized words that are no place are a person's name.
            unknown_after_admin = (
                fold(words[index].text) in _ADMIN
                and len(tail_run) >= 3
                and bool(place_names())
                and not _place_at(text, words, index + 1)
            )
            if (
                (_is_family(word) or unknown_after_admin)
                and 2 <= len(tail_run) <= 4
                and len(rest) == len(tail_run)
                and not _place_at(text, words, index + 1)
            ):
                following = (
                    words[index + 1 + len(tail_run)]
                    if index + 1 + len(tail_run) < len(words)
                    else None
                )
                if following is None or not following.capitalized:
                    if fold(words[index].text) in _ADMIN:
                        last = index  # "Ủy ban MTTQ Việt Nam tỉnh Phạm Thị Lan"
                        before_person = True
                    break  # a person's name follows the body
            if admin_left is not None:
                if admin_left == 0 or not word.capitalized:
                    break
                admin_left -= 1
            elif folded in _ADMIN and not (
                index + 2 < len(words) and fold(words[index + 2].text) == "ủy"
            ):
                admin_left = 2  # not "Tỉnh ủy", the province's party committee
            elif not (
                word.capitalized
                or folded in _INNER
                or folded in NAME_JOINERS
                or _one_word(tagged, words[index], word)
                or (folded == "và" and listed and _joined_list(text, words, index + 1))
            ):
                stretch = _stretch_end(text, words, index + 1, tagged)
                if stretch is None:
                    break
                index = last = stretch
                continue
            index += 1
            if word.capitalized or folded in _INNER or _one_word(tagged, words[index - 1], word):
                last = index
        # "Liên hiệp các tổ chức hữu nghị tỉnh": the province the text is about. A kind of
        # place before a name that is not the body's ("tỉnh Phạm Thị Lan") is left out.
        last = _with_own_province(text, words, last)
        while (
            not before_person
            and last > first
            and fold(words[last].text) in _ADMIN
            and last + 1 < len(words)
            and words[last + 1].capitalized
            and text[words[last].end : words[last + 1].start] == " "
        ):
            last -= 1
        start, end = head_start, words[last].end
        own_province = last > index_after_head(words, first, head_end) and fold(
            words[last].text
        ) in ("tỉnh", "huyện", "phố")
        complete = head_text in _COMPLETE_HEADS  # "Tỉnh ủy" names the province's committee
        if not (own_province or complete) and not any(
            w.capitalized for w in words[first + 1 : last + 1] if w.start >= head_end
        ):
            continue
        if not is_known(text[start:end]):
            found.append(Hit(start, end, "ORGANIZATION"))
    return found


def places(text: str, is_known_place: Callable[[str], bool]) -> list[Hit]:
    """Places after "tại" ("tại Hà Nội") that are no body or meeting."""
    found: list[Hit] = []
    words = tokens(text)
    for run in runs(text, words):
        before = fold(text[max(0, run[0].start - 5) : run[0].start])
        if not before.endswith("tại ") or len(run) > 4:
            continue
        name = text[run[0].start : run[-1].end]
        if fold(run[0].text) in _NOT_PLACES:
            continue
        if not is_known_place(name):
            found.append(Hit(run[0].start, run[-1].end, "LOCATION"))
    return found
