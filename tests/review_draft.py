"""The draft that the review tests review: ``tests/data/review/draft.yaml``, the annotation
``dnnd add`` once drafted of ``hoi-nghi.txt``, placed in a copy of ``raw/`` as ``dnnd add``
places it.

The tests of the review page pin what a save writes and the problems it returns, so they
start from this fixed draft rather than from today's drafter: the drafter may improve
without changing what these tests mean. The draft holds what they exercise: a body's name
cut at " - " ('Hội Hữu nghị Nhật'), an organizing body it does not find (to be added by
selection), a meeting's chair who also speaks, and a person registered after the draft.
``bench/review.py`` (and its test) reviews drafts of the current drafter.
"""

from __future__ import annotations

from pathlib import Path

from dnnd_dataset.drafting.adding import next_article_id

from .conftest import REPO

REVIEW_DATA = REPO / "tests" / "data" / "review"
ARTICLE = REVIEW_DATA / "hoi-nghi.txt"
DRAFT = REVIEW_DATA / "draft.yaml"  # ARTICLE stands for the article id
# A person another contributor registered after the draft was made: the review links to him.
TRAN_VAN_HAI = "id: tran-van-hai\nname: Trần Văn Hải\n"


def place_draft(raw: Path) -> Path:
    """Write the text and its fixed draft under the next article id in ``raw/documents``,
    register Trần Văn Hải, and return the draft's path."""
    text = ARTICLE.read_bytes()
    documents = raw / "documents"
    stem = next_article_id(documents, text.decode("utf-8"))
    (documents / f"{stem}.txt").write_bytes(text)
    draft = documents / f"{stem}.yaml"
    draft.write_text(DRAFT.read_text(encoding="utf-8").replace("ARTICLE", stem), encoding="utf-8")
    (raw / "registry" / "persons" / "tran-van-hai.yaml").write_text(TRAN_VAN_HAI, encoding="utf-8")
    return draft
