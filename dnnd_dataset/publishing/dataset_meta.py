"""What the card and the Croissant file both say about the dataset, said once.

Also :class:`WrittenTable`, the facts about one written Parquet file that the card
(sizes, counts) and Croissant (path, checksum) are generated from.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

NAME = "dnnd-dataset"
PRETTY_NAME = "Đối ngoại nhân dân: annotated Vietnamese news on people's diplomacy"
SUMMARY = (
    "Vietnamese news and web texts (2011-2024) about đối ngoại nhân dân (people's "
    "diplomacy), verbatim, with hand-written annotations grounded in quotes: mentions of "
    "persons, organizations, party directives, meetings and locations at code-point "
    "offsets, and one row per entity with the evidence for every stated fact."
)
# The annotations' licence: the dataset's own content. The source texts stay their publishers'.
LICENSE_ID = "cc-by-4.0"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
# The source texts' terms: the publishers keep their copyright (LICENSES/LicenseRef-...).
TEXTS_LICENSE_ID = "LicenseRef-Publishers-Texts"
# The fields whose values are the publishers' words, as Croissant names them (record set/field).
PUBLISHERS_TEXT_FIELDS = (
    "articles/title",
    "articles/text",
    "articles/text_normalized",
    "mentions/text",
    "evidence/quote",
    "ner/text",
    "ner/tokens",
)
# The Hub's licence tags. No licence of the Hub's list covers both parts, and a single
# "cc-by-4.0" would show the publishers' texts as CC BY: so "other", named, and linked to the
# card itself (the output's README.md), whose Licensing section says what each part is under;
# a link into the folder the build writes needs no file beside the card.
HUB_LICENSE: dict[str, str] = {
    "license": "other",
    "license_name": "cc-by-4.0-annotations-and-publishers-texts",
    "license_link": "README.md",
}
# The package's licence (the wheel's License-Expression): code, annotations, source texts.
LICENSE_EXPRESSION = "MIT AND CC-BY-4.0 AND LicenseRef-Publishers-Texts"
LICENSE_FILES = ("LICENSE", "LICENSES/CC-BY-4.0.txt", "LICENSES/LicenseRef-Publishers-Texts.txt")
# What each part is under, said the same way by the card, the README and the licence files.
LICENSING = """\
- **Code** (the `dnnd_dataset` package, `build.py`, the tests and tools): MIT License, in
  `LICENSE`.
- **Annotations** (the YAML files under `raw/`, every published table except the words of
  the source texts, the schemas and the dataset card): Creative Commons Attribution 4.0
  International (CC BY 4.0), in `LICENSES/CC-BY-4.0.txt`.
- **Source texts** (`raw/documents/*.txt`; `title`, `text` and `text_normalized` of
  `articles`, the words that `mentions` and `evidence` quote from them, and `text` and
  `tokens` of `ner`): their copyright
  remains with their publishers, named in `articles.outlet` and `articles.credits`. They are
  included for research use with attribution: read, analyse, quote and cite them, naming the
  publisher. Any other use, republication above all, needs the publisher's permission
  (`LICENSES/LicenseRef-Publishers-Texts.txt`).
- **In the metadata.** The card's YAML says `license: other`, with `license_name`
  `cc-by-4.0-annotations-and-publishers-texts` and `license_link` to this card, since no one
  licence covers both parts; `croissant.json` lists both licences, each naming the fields it
  covers, and the description of each field that holds the publishers' words says so.
"""
CREATOR = "dnnd-dataset contributors"
KEYWORDS = (
    "vietnamese",
    "people's diplomacy",
    "named entity recognition",
    "entity linking",
    "news",
    "political texts",
)
SPLIT = "train"


def data_file(table_name: str, shard: int = 0, shards: int = 1) -> str:
    """Path of one of a table's Parquet files (Hugging Face naming), relative to the output."""
    return f"data/{table_name}/{SPLIT}-{shard:05d}-of-{shards:05d}.parquet"


SHARD_NAME = re.compile(rf"{SPLIT}-([0-9]{{5}})-of-([0-9]{{5}})\.parquet")


def table_shards(out: Path, table_name: str) -> list[Path]:
    """The files of a table in the output folder ``out``, in order: only names the build writes.

    Any other file in ``data/<table>/`` is never read (``dnnd verify`` reports it). Empty
    when the table has no file; raises ValueError when its files are not one whole set
    ``train-00000-of-0000N`` to ``train-0000(N-1)-of-0000N``.
    """
    folder = Path(out) / "data" / table_name
    try:
        with os.scandir(folder) as entries:
            found = sorted(
                (int(match[2]), int(match[1]))
                for entry in entries
                # A link is not followed: the build writes none.
                if (match := SHARD_NAME.fullmatch(entry.name)) is not None
                and entry.is_file(follow_symlinks=False)
            )
    except (FileNotFoundError, NotADirectoryError):
        return []
    if not found:
        return []
    shards = max(found[-1][0], 1)
    if found != [(shards, shard) for shard in range(shards)]:
        first, last = data_file(table_name, 0, shards), data_file(table_name, shards - 1, shards)
        raise ValueError(f"the files are not {Path(first).name} to {Path(last).name}")
    return [Path(out) / data_file(table_name, shard, shards) for shard in range(shards)]


def data_files_pattern(table_name: str) -> str:
    """The glob that matches every Parquet file of a table."""
    return f"data/{table_name}/{SPLIT}-*.parquet"


@dataclass(frozen=True)
class WrittenFile:
    """One Parquet file of a table: where, how many rows, how big, its checksum."""

    path: str
    num_rows: int
    file_size: int
    sha256: str


@dataclass(frozen=True)
class WrittenTable:
    """One table as written: where, how big, and its checksum.

    ``path`` is the table's one file, or the glob of its files when ``shards`` lists more
    than one; ``file_size`` is then their total and ``sha256`` empty (each shard has its own).
    """

    name: str
    path: str
    num_rows: int
    num_bytes: int
    file_size: int
    sha256: str
    shards: tuple[WrittenFile, ...] = ()


_BIBTEX = re.compile(r"^```bibtex\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def bibtex_blocks(card_prose: str) -> list[re.Match[str]]:
    """Every ```bibtex block of the card prose; a valid card has exactly one."""
    return list(_BIBTEX.finditer(card_prose))


def bibtex(card_prose: str) -> str:
    """The BibTeX entry of the card prose (its one ```bibtex block), the single citation."""
    blocks = bibtex_blocks(card_prose)
    if len(blocks) != 1:
        raise ValueError(f"the card prose needs exactly one ```bibtex block, found {len(blocks)}")
    return blocks[0].group(1).strip()
