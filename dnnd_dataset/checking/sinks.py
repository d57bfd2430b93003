"""Where the checked rows go: the protocols a sink of the pipeline follows."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, Protocol, runtime_checkable

from dnnd_dataset.checking.document_rows import Row
from dnnd_dataset.checking.ner_table import NerLayer

Prepare = Callable[[str, list[Row] | list[NerLayer]], Any]


class BlockWriter(Protocol):
    """Writes the shards of a block in a worker process: each chunk's prepared rows per
    table, in order; ``close`` gives what the sink's ``take_block`` takes."""

    def add(self, tables: dict[str, Any]) -> None: ...

    def close(self) -> object: ...

    def abandon(self) -> None: ...


# The block's number in the run -> the writer of its shards.
WriteBlock = Callable[[int], BlockWriter]


class RowSink(Protocol):
    """Where rows go: called per table with rows in the table's order, a few documents at a time.

    ``prepare``, when not None, turns a table's rows into what ``add`` takes; it runs where
    the documents are checked (a worker process with ``jobs`` > 1), so it must be picklable.
    The ``ner`` rows reach it as their articles' layers (:class:`NerLayer`); a sink without
    it receives them as rows.
    """

    @property
    def prepare(self) -> Prepare | None: ...

    def add(self, table: str, rows: Any) -> None: ...


@runtime_checkable
class ShardSink(RowSink, Protocol):
    """A sink that writes the rows of each block of articles as shards of their own.

    ``start_blocks`` comes first, with the number of blocks; then for each block in order
    either its rows and ``end_block``, or ``reuse`` when ``reusable`` said that the shards of
    the block of that key, written with the registry entries its documents use now, are
    still at hand, or ``take_block`` with what ``write_block`` wrote of its rows where its
    documents were checked. A key of None is a block that is never reused.
    After the blocks, the registry tables are either taken whole (``reuse_registries``) or
    given as rows, after ``registries_made_under``; or all but the evidence are taken
    (``reuse_registries`` with ``but_evidence``) and the evidence given as rows.
    """

    def start_blocks(self, count: int) -> None: ...

    def reusable(self, key: str, used: str | None = None) -> bool:
        """Whether the shards of the block of ``key`` are at hand; written with the registry
        entries of digest ``used`` (``RegistryView.used``), when it is given."""
        ...

    def reuse(self, key: str) -> None: ...

    @property
    def write_block(self) -> WriteBlock | None:
        """Writes a block's shards from its prepared rows, in a worker process (so it must
        be picklable); None when every row must come through ``add``."""
        ...

    def take_block(self, written: object, key: str | None, used: str | None) -> None:
        """The block's shards as ``write_block`` wrote them; ``key`` and ``used`` as for
        ``end_block``."""
        ...

    def drop_block(self, written: object) -> None:
        """Delete what ``write_block`` wrote of a block whose rows are not wanted after all
        (the build fails)."""
        ...

    def end_block(self, key: str | None, used: str | None) -> None:
        """The rows of the block are all in; ``used``: the digest of the registry entries its
        documents use, given with its key."""
        ...

    def registries_kept(self) -> bool:
        """Whether the earlier output's registry tables may be taken, under some key."""
        ...

    def reuse_registries(self, key: str, *, but_evidence: bool = False) -> dict[str, int] | None:
        """Take the registry tables made under ``key`` instead of their rows; rows per table.
        With ``but_evidence``, every one but the evidence, whose tables ``key`` (made with
        ``shapes``) names.

        None when they are not at hand: then their rows come as usual.
        """
        ...

    def earlier_contributions(self) -> list[str] | None:
        """The digests of the blocks' contributions the earlier registry tables were made
        from, in block order; None when not known."""
        ...

    def earlier_evidence(self, articles: Collection[str]) -> tuple[list[Row], int] | None:
        """The earlier output's rows of the registries' evidence from ``articles``, in the
        table's order, and the number of its other rows; None when it is not at hand."""
        ...

    def registries_made_under(
        self,
        key: str | None,
        shapes: str | None,
        contributions: list[str] | None,
        *,
        with_earlier_evidence: bool = False,
    ) -> None:
        """The registry tables that come next are made under ``key``, all but the evidence
        under ``shapes``, from blocks of these ``contributions`` (None: no key). With
        ``with_earlier_evidence``, only the registries' evidence of the articles last given
        to ``earlier_evidence`` comes next: the earlier output's rows of the others are
        written with them."""
        ...
