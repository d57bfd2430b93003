"""A synthetic raw corpus in the real format, for measuring the builder at any size.

    python bench/synth.py --articles 1000 --out /tmp/raw-1000 [--seed 0]

Writes ``OUT/documents/<article_id>.txt`` and ``.yaml`` and ``OUT/registry/<registry>/<id>.yaml``
with about N/10 persons, organizations, directives, meetings and posts (the head of each
organization), and ``DATASET_CARD.md`` beside ``OUT`` (the build reads the card prose
there). Each article has about 5 KB of Vietnamese
text with diacritics, 'Ðảng' printed with the look-alike U+00D0, a banner and a duplicated
photo caption (boilerplate), a byline, a photo credit, positions, and about 20 mentions of
every label; each meeting has participants and evidence in the article that reports it,
each directive its evidence in one article. Every anchor is computed from the text it
points into, so the corpus builds without errors. The same seed gives the same bytes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dnnd_dataset.textnorm import normalize

ROOT = Path(__file__).resolve().parent.parent

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Trương",
    "Đinh",
    "Mai",
    "Trịnh",
    "Lương",
    "Cao",
    "Tạ",
    "Quách",
]
MIDDLE = [
    "Văn",
    "Thị",
    "Hữu",
    "Đức",
    "Minh",
    "Quốc",
    "Thanh",
    "Ngọc",
    "Xuân",
    "Hồng",
    "Kim",
    "Thu",
    "Công",
    "Quang",
    "Bảo",
]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hòa",
    "Hùng",
    "Huy",
    "Khánh",
    "Khoa",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Nghĩa",
    "Phong",
    "Phúc",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thắng",
    "Thảo",
    "Thịnh",
    "Trang",
    "Trung",
    "Tuấn",
    "Tùng",
    "Uyên",
    "Việt",
    "Vinh",
    "Yến",
    "Đạt",
    "Hưng",
]
ORG_KINDS = (
    ("Hội Hữu nghị", "mass_organization"),
    ("Ban Đối ngoại", "party_body"),
    ("Liên hiệp các tổ chức hữu nghị", "mass_organization"),
    ("Sở Ngoại vụ", "state_body"),
    ("Hội Liên hiệp Phụ nữ", "mass_organization"),
    ("Hội Cựu chiến binh", "mass_organization"),
    ("Hội Nông dân", "mass_organization"),
    ("Ủy ban Mặt trận Tổ quốc", "mass_organization"),
    ("Tỉnh đoàn", "mass_organization"),
    ("Báo", "press"),
)
PLACE_A = [
    "Phú",
    "Bình",
    "Hòa",
    "Tân",
    "Thạch",
    "Long",
    "Vĩnh",
    "Quảng",
    "Hưng",
    "Yên",
    "Mỹ",
    "Đông",
    "Tây",
    "Bắc",
    "Nam",
    "Cẩm",
]
PLACE_B = [
    "Sơn",
    "Thành",
    "Lộc",
    "Điền",
    "Xương",
    "Phong",
    "Khê",
    "Giang",
    "Lâm",
    "Hải",
    "Châu",
    "Trạch",
    "Ninh",
    "Định",
    "Xuyên",
]
UNITS = ["tỉnh", "thành phố", "huyện", "quận", "thị xã", "phường", "xã", "thị trấn"]
DIRECTIVE_TYPES = (("CT", "chi_thi", "Chỉ thị"), ("NQ", "nghi_quyet", "Nghị quyết"))
TERMS = ("VIII", "IX", "X", "XI", "XII", "XIII")
TERM_YEAR = {"VIII": 1996, "IX": 2001, "X": 2006, "XI": 2011, "XII": 2016, "XIII": 2021}
SUBJECTS = (
    "tiếp tục đổi mới và nâng cao hiệu quả công tác đối ngoại nhân dân trong tình hình mới",
    "tăng cường công tác thông tin đối ngoại",
    "đẩy mạnh hội nhập quốc tế của các đoàn thể nhân dân",
    "nâng cao chất lượng hoạt động của các tổ chức hữu nghị",
)
FILLER = (
    "Công tác đối ngoại nhân dân đã góp phần quan trọng vào việc giữ vững môi trường hòa bình, "
    "ổn định, thu hút nguồn lực cho phát triển kinh tế - xã hội của đất nước.",
    "Các hoạt động giao lưu hữu nghị được tổ chức đa dạng, phong phú, phù hợp với điều kiện "
    "thực tế của từng địa phương và từng đối tác.",
    "Trong bối cảnh tình hình thế giới và khu vực diễn biến phức tạp, nhiều hoạt động đã được "
    "chuyển sang hình thức trực tuyến, bảo đảm hiệu quả và an toàn.",
    "Lực lượng làm công tác đối ngoại nhân dân cần tiếp tục nâng cao năng lực chuyên môn, "
    "ngoại ngữ và kỹ năng vận động quốc tế.",
    "Thông tin đối ngoại cần kịp thời, chính xác, góp phần đấu tranh có hiệu quả với các luận "
    "điệu sai trái, xuyên tạc.",
    "Các địa phương đã chủ động mở rộng quan hệ hợp tác với các tổ chức phi chính phủ nước "
    "ngoài, vận động được nhiều dự án viện trợ thiết thực.",
    "Nhiều mô hình hay, cách làm sáng tạo đã được nhân rộng, tạo sức lan tỏa trong cộng đồng "
    "và trong bạn bè quốc tế.",
    "Phát huy vai trò cầu nối của người Việt Nam ở nước ngoài là một nhiệm vụ được đặc biệt "
    "chú trọng trong giai đoạn tới.",
    "Hội nghị đã thảo luận, đánh giá kết quả đạt được, chỉ ra những hạn chế, nguyên nhân và "
    "rút ra bài học kinh nghiệm.",
    "Các đại biểu nhất trí cho rằng cần tăng cường phối hợp giữa các cơ quan, tránh chồng "
    "chéo, trùng lặp trong triển khai.",
)
TITLES = (
    "Nâng cao hiệu quả công tác đối ngoại nhân dân",
    "Phát huy sức mạnh của đối ngoại nhân dân trong tình hình mới",
    "Tăng cường giao lưu hữu nghị, hợp tác với bạn bè quốc tế",
    "Đổi mới nội dung và phương thức hoạt động đối ngoại nhân dân",
)
LOCATIONS = ("Hà Nội", "Thành phố Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Huế")
OUTLETS = ("Báo Thế giới và Việt Nam", "Tạp chí Cộng sản", "Báo điện tử Chính phủ")
BANNER = "Điều chỉnh kích thước chữ"
# The party, named by the short form that a text prints with the look-alike 'Ð' (U+00D0).
# The other name as the texts print it, with the look-alike U+00D0 (values are kept as printed).
PARTY = ("dang-cong-san-viet-nam", "Đảng Cộng sản Việt Nam", "\u00d0ảng")
ISSUER = ("ban-bi-thu", "Ban Bí thư Trung ương Đảng", "Ban Bí thư")


@dataclass
class Registries:
    persons: list[dict[str, Any]] = field(default_factory=list)
    organizations: list[dict[str, Any]] = field(default_factory=list)
    directives: list[dict[str, Any]] = field(default_factory=list)
    meetings: list[dict[str, Any]] = field(default_factory=list)
    posts: list[dict[str, Any]] = field(default_factory=list)
    # organization id -> the post of its head ("Trưởng ...")
    head_post: dict[str, str] = field(default_factory=dict)


def _slug(text: str) -> str:
    table = str.maketrans("đĐ", "dD")
    import unicodedata

    plain = unicodedata.normalize("NFD", text.translate(table))
    ascii_text = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text).split())


def _distinct(rng: random.Random, pools: tuple[list[str], ...], count: int) -> list[str]:
    combos = [[]]  # type: list[list[str]]
    for pool in pools:
        combos = [[*c, w] for c in combos for w in pool]
    if count > len(combos):
        raise SystemExit(f"at most {len(combos)} distinct names; ask for fewer articles")
    rng.shuffle(combos)
    return [" ".join(c) for c in combos[:count]]


def _entities(rng: random.Random, size: int) -> tuple[Registries, list[str]]:
    reg = Registries()
    person_names = _distinct(rng, (FAMILY, MIDDLE, GIVEN), size)
    for index, name in enumerate(person_names):
        reg.persons.append({"id": f"{_slug(name)}-{index}", "name": name, "roles": ["official"]})
    reg.organizations.append(
        {"id": PARTY[0], "name": PARTY[1], "other_names": [PARTY[2]], "kind": "party"}
    )
    reg.organizations.append(
        {
            "id": ISSUER[0],
            "name": ISSUER[1],
            "other_names": [ISSUER[2]],
            "kind": "party_body",
            "parent": PARTY[0],
        }
    )
    wanted = max(size // len(ORG_KINDS) + 1, 1)
    # Two-syllable place names, then with the kind of place once those run out.
    pools = (
        (PLACE_A, PLACE_B) if wanted <= len(PLACE_A) * len(PLACE_B) else (UNITS, PLACE_A, PLACE_B)
    )
    places = _distinct(rng, pools, wanted)
    for index in range(size):
        prefix, kind = ORG_KINDS[index % len(ORG_KINDS)]
        name = f"{prefix} {places[index // len(ORG_KINDS)]}"
        organization_id = f"{_slug(name)}-{index}"
        reg.organizations.append({"id": organization_id, "name": name, "kind": kind})
        post_id = f"truong-{organization_id}"
        reg.posts.append({"id": post_id, "name": f"Trưởng {name}", "organization": organization_id})
        reg.head_post[organization_id] = post_id
    codes = [(t, n, ty) for t in TERMS for ty in DIRECTIVE_TYPES for n in range(1, 500)]
    rng.shuffle(codes)
    for term, number, (abbr, kind, word) in codes[:size]:
        code = f"{number:02d}-{abbr}/TW"
        reg.directives.append(
            {
                "id": f"{_slug(word)}-{number:02d}-{abbr.lower()}-tw-khoa-{term.lower()}",
                "name": f"{word} {code}",
                "kind": kind,
                "number": f"{number:02d}",
                "code": code,
                "issuer": ISSUER[0],
                "term": term,
                "issued_on": dt.date(
                    TERM_YEAR[term] + number % 5, 1 + number % 12, 1 + number % 28
                ),
                "subject": SUBJECTS[number % len(SUBJECTS)],
            }
        )
    for index in range(size):
        name = (
            f"Hội nghị đối ngoại nhân dân khu vực {places[index % len(places)]} lần thứ {index + 1}"
        )
        reg.meetings.append({"id": f"hoi-nghi-{index}", "name": name, "kind": "conference"})
    return reg, places


class Article:
    """One text, built paragraph by paragraph, with its anchors computed from the text."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0

    def add(self, piece: str) -> int:
        start = self.length
        self.parts.append(piece)
        self.length += len(piece)
        return start

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _anchor(text: str, quote: str, start: int) -> dict[str, Any]:
    """``quote`` at ``start``, with its occurrence number when it repeats, counted as the
    builder counts."""
    normalized, needle = normalize(text), normalize(quote)
    positions = []
    position = normalized.find(needle)
    while position != -1:
        positions.append(position)
        position = normalized.find(needle, position + 1)
    anchor: dict[str, Any] = {"quote": quote}
    if len(positions) > 1:
        anchor["occurrence"] = positions.index(start) + 1
    return anchor


def _person_mention(person: dict[str, Any]) -> dict[str, Any]:
    return {"quote": person["name"], "entity": person["id"], "all": True}


def _article(
    index: int, rng: random.Random, reg: Registries, places: list[str]
) -> tuple[str, str, dict[str, Any]]:
    size = len(reg.meetings)
    article_id = f"{index:06d}-syn"
    a = Article()
    a.add(f"{BANNER}\n\n")
    title = f"{TITLES[index % len(TITLES)]} (kỳ {index + 1})"
    title_at = a.add(f"{title}\n\n")
    day = dt.date(2012, 1, 1) + dt.timedelta(days=index % 4000)
    date_text = day.strftime("%d/%m/%Y")
    date_at = a.add(f"Cập nhật: {date_text}\n\n") + len("Cập nhật: ")
    outlet = OUTLETS[index % len(OUTLETS)]
    outlet_at = a.add(f"({outlet}) ")

    persons = rng.sample(reg.persons, 3)
    orgs = rng.sample(reg.organizations[2:], 4)
    # Directives with distinct codes, none sharing the code of the one this text states.
    stated_code = reg.directives[index]["code"] if index < size else None
    directives: list[dict[str, Any]] = []
    for d in rng.sample(reg.directives, min(8, len(reg.directives))):
        codes = {stated_code, *(other["code"] for other in directives)}
        if d["code"] not in codes and len(directives) < 2:
            directives.append(d)
    meeting = reg.meetings[index % size]
    reports = index < size  # the first N/10 articles each report one meeting in full
    location = LOCATIONS[index % len(LOCATIONS)]
    positions: list[dict[str, Any]] = []
    credit_person = persons[2]

    a.add(
        f"{FILLER[index % len(FILLER)]} Ðảng ta luôn coi trọng công tác đối ngoại nhân dân, "
        f"coi đây là một kênh quan trọng của nền ngoại giao toàn diện.\n\n"
    )
    sentence = ""
    meeting_evidence: dict[str, Any] | None = None
    participants: list[tuple[dict[str, Any], str, str, int]] = []
    if reports and directives:
        organizer = orgs[0]
        directive = directives[0]
        count = 100 + index % 400
        sentence = (
            f"Ngày {meeting_day(index).strftime('%d/%m/%Y')}, tại {location}, {organizer['name']} "
            f"đã tổ chức {meeting['name']} với hơn {count} đại biểu, quán triệt "
            f"{directive['name']}."
        )
        at = a.add(sentence + " ")
        meeting_evidence = {
            "at": at,
            "sentence": sentence,
            "organizer": organizer,
            "directive": directive,
            "count": count,
        }
        chair = persons[0]
        chair_sentence = f"Đồng chí {chair['name']}, Trưởng {orgs[1]['name']}, chủ trì Hội nghị."
        chair_at = a.add(chair_sentence + "\n\n")
        participants.append((chair, "chair", chair_sentence, chair_at))
        positions.append(
            {
                "person": chair["id"],
                "title": f"Trưởng {orgs[1]['name']}",
                "post": reg.head_post[orgs[1]["id"]],
                "organization": orgs[1]["id"],
                "as_of_meeting": meeting["id"],
                "evidence": ("Đồng chí " + chair["name"] + ", Trưởng " + orgs[1]["name"], chair_at),
            }
        )
    else:
        a.add(f"Nhắc lại {meeting['name']}, các đại biểu đánh giá cao kết quả đã đạt được.\n\n")
    for paragraph in range(9):
        body = " ".join(FILLER[(index + paragraph + k) % len(FILLER)] for k in range(3))
        a.add(body + "\n\n")
        if paragraph == 1:
            speaker = persons[1]
            position_text = f"Đồng chí {speaker['name']}, Phó {orgs[2]['name']}"
            at = a.add(
                f"{position_text} nhấn mạnh vai trò của {orgs[3]['name']} tại {location}.\n\n"
            )
            positions.append(
                {
                    "person": speaker["id"],
                    "title": f"Phó {orgs[2]['name']}",
                    "organization": orgs[2]["id"],
                    "evidence": (position_text, at),
                }
            )
        if paragraph == 3:
            for d in directives:
                a.add(
                    f"Thực hiện {d['name']} của {ISSUER[2]} khóa {d['term']}, "
                    f"{orgs[0]['name']} đã ban hành kế hoạch triển khai.\n\n"
                )
        if paragraph == 5:
            a.add(f"Tại {location}, đồng chí {persons[0]['name']} đã gặp gỡ {orgs[1]['name']}.\n\n")
        if paragraph == 7:
            a.add(f"{FILLER[index % len(FILLER)]} Ðảng và Nhà nước ghi nhận những đóng góp đó.\n\n")
    directive_evidence: dict[str, Any] | None = None
    if index < size:
        d = reg.directives[index]
        stated = (
            f"{d['name']} của {ISSUER[2]} khóa {d['term']} ngày "
            f"{d['issued_on'].strftime('%d/%m/%Y')} về {d['subject']}"
        )
        at = a.add(f"Các đại biểu ôn lại {stated}.\n\n") + len("Các đại biểu ôn lại ")
        directive_evidence = {"directive": d, "stated": stated, "at": at}
    caption = f"Quang cảnh hội nghị tại {location}. Ảnh: {credit_person['name']}"
    caption_at = a.add(caption + "\n\n")
    a.add(FILLER[(index + 4) % len(FILLER)] + "\n\n")
    duplicate_at = a.add(caption + "\n\n")
    byline_at = a.add(credit_person["name"])
    text = a.text

    annotation: dict[str, Any] = {
        "article_id": article_id,
        "source_file": f"{article_id}.html",
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "title": _anchor(text, title, title_at),
        "outlet": {"name": outlet, "evidence": _anchor(text, outlet, outlet_at + 1)},
        "page_date": {"value": day, "evidence": _anchor(text, date_text, date_at)},
        "authors": [
            {
                "person": credit_person["id"],
                "evidence": _anchor(text, credit_person["name"], byline_at),
            }
        ],
        "credits": [
            {
                "name": credit_person["name"],
                "role": "photo",
                "evidence": _anchor(
                    text, f"Ảnh: {credit_person['name']}", caption_at + caption.index("Ảnh: ")
                ),
            }
        ],
        "boilerplate": [
            {**_anchor(text, BANNER, 0), "kind": "page_chrome"},
            {**_anchor(text, caption, duplicate_at), "kind": "duplicate_caption"},
        ],
        "positions": [
            {
                **{k: v for k, v in p.items() if k != "evidence"},
                "evidence": _anchor(text, p["evidence"][0], p["evidence"][1]),
            }
            for p in positions
        ],
    }
    mentions = [_person_mention(p) for p in persons]
    mentions += [{"quote": o["name"], "entity": o["id"], "all": True} for o in orgs]
    mentions.append({"quote": PARTY[2], "entity": PARTY[0], "all": True})
    if directives or directive_evidence:
        mentions.append({"quote": ISSUER[2], "entity": ISSUER[0], "all": True})
    named = {d["id"]: d for d in directives}
    if directive_evidence:
        named.setdefault(directive_evidence["directive"]["id"], directive_evidence["directive"])
    codes_seen: dict[str, str] = {}
    for d in named.values():
        if codes_seen.setdefault(d["code"], d["id"]) != d["id"]:
            # Two directives with one code in one text: anchor each by its own words.
            continue
        mentions.append({"quote": d["name"], "entity": d["id"], "all": True})
    mentions.append({"quote": meeting["name"], "entity": meeting["id"], "all": True})
    mentions.append({"quote": location, "label": "LOCATION", "all": True})
    annotation["mentions"] = mentions
    registry_evidence: list[tuple[str, str, dict[str, Any]]] = []
    if meeting_evidence:
        e = meeting_evidence
        registry_evidence.append(
            (
                "meetings",
                meeting["id"],
                {
                    "article": article_id,
                    **_anchor(text, e["sentence"], e["at"]),
                    "supports": ["date", "location", "organizers", "attendance", "directives"],
                },
            )
        )
        meeting.update(
            date=meeting_day(index),
            date_precision="day",
            location=location,
            organizers=[e["organizer"]["id"]],
            attendance=e["count"],
            attendance_qualifier="more_than",
            directives=[e["directive"]["id"]],
            participants=[
                {
                    "person": p["id"],
                    "roles": [role],
                    "position": f"Trưởng {orgs[1]['name']}",
                    "evidence": [
                        {
                            "article": article_id,
                            **_anchor(text, s, at),
                            "supports": [role, "position"],
                        }
                    ],
                }
                for p, role, s, at in participants
            ],
        )
    if directive_evidence:
        e = directive_evidence
        registry_evidence.append(
            (
                "directives",
                e["directive"]["id"],
                {
                    "article": article_id,
                    **_anchor(text, e["stated"], e["at"]),
                    "supports": ["number", "code", "issuer", "term", "issued_on", "subject"],
                },
            )
        )
    for registry, entity_id, evidence in registry_evidence:
        entry = next(x for x in getattr(reg, registry) if x["id"] == entity_id)
        entry.setdefault("evidence", []).append(evidence)
    return article_id, text, annotation


def meeting_day(index: int) -> dt.date:
    return dt.date(2011, 1, 3) + dt.timedelta(days=(index * 7) % 4500)


def _dump(data: Any) -> str:
    return yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False, width=100)


def write_corpus(out: Path, articles: int, seed: int = 0) -> None:
    """Write a corpus of ``articles`` documents to ``out`` (replaced if it exists)."""
    if articles < 4:
        raise SystemExit("ask for at least 4 articles")
    rng = random.Random(seed)
    # Every meeting and directive is stated in full by one article: at most N of each.
    size = min(max(articles // 10, 4), articles)
    reg, places = _entities(rng, size)
    if out.exists():
        shutil.rmtree(out)
    documents = out / "documents"
    documents.mkdir(parents=True)
    for index in range(articles):
        article_id, text, annotation = _article(index, rng, reg, places)
        (documents / f"{article_id}.txt").write_text(text, encoding="utf-8", newline="")
        header = "# yaml-language-server: $schema=../../schema/raw/document.schema.json\n"
        (documents / f"{article_id}.yaml").write_text(
            header + _dump(annotation), encoding="utf-8", newline="\n"
        )
    for name in ("persons", "organizations", "directives", "meetings", "posts"):
        folder = out / "registry" / name
        folder.mkdir(parents=True)
        header = f"# yaml-language-server: $schema=../../../schema/raw/{name}.schema.json\n"
        for entry in getattr(reg, name):
            (folder / f"{entry['id']}.yaml").write_text(
                header + _dump(entry), encoding="utf-8", newline="\n"
            )
    shutil.copyfile(ROOT / "DATASET_CARD.md", out.parent / "DATASET_CARD.md")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, required=True, metavar="N")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    write_corpus(args.out, args.articles, args.seed)
    print(f"wrote {args.articles} articles to {args.out}")


if __name__ == "__main__":
    main()
