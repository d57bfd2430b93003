"""Which articles share a shard: blocks of consecutive ids whose ends the ids themselves decide.

An article ends its block when its id hashes to a multiple of ``MEAN`` (so a block holds
``MEAN`` articles on average), or when the block has reached ``MOST`` articles. The ends
depend only on the ids from the start of the block, never on a count from the start of the
corpus: editing one article changes its own block and no other; adding or removing one
changes its own block (an article that ends a block joins or splits two) and, where more
than ``MOST`` articles lie between two ids that end blocks, the blocks after it up to the
next such id. Every table of article rows writes one
shard per block, so that a rebuild after a small change writes only the shards of the
blocks that changed and takes every other file as it was.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

# Articles per block on average, and at most. Part of the output format: changing either
# changes which shard an article's rows are in. A one-article edit writes its block again,
# in time that grows with the block: at most 384 keeps it near the cost of a block of
# average size (at 50,000 articles, about 250 blocks).
MEAN = 256
MOST = 384
# The tables of article rows: their rows come article by article, in the order of the ids.
ARTICLE_TABLES = ("articles", "mentions", "evidence", "ner")


def ends_block(article_id: str) -> bool:
    """Whether ``article_id`` ends its block wherever it stands."""
    digest = hashlib.sha256(article_id.encode("utf-8", "surrogateescape")).digest()
    return int.from_bytes(digest[:8], "big") % MEAN == 0


def blocks(article_ids: Sequence[str]) -> list[list[str]]:
    """``article_ids`` (in the order the tables hold them) cut into blocks."""
    found: list[list[str]] = []
    current: list[str] = []
    for article_id in article_ids:
        current.append(article_id)
        if ends_block(article_id) or len(current) == MOST:
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found
