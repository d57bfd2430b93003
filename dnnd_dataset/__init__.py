"""dnnd-dataset: Vietnamese news about đối ngoại nhân dân (people's diplomacy), verified and
annotated, as a Python library.

    >>> import dnnd_dataset as dnnd
    >>> dnnd.TABLE_NAMES
    ('articles', 'mentions', 'meetings', 'persons', 'directives', 'organizations', 'posts',
     'evidence', 'ner')
    >>> persons = dnnd.load("persons")          # list[dnnd.Person], validated and frozen
    >>> arrow = dnnd.table("meetings")          # pyarrow.Table
    >>> ds = dnnd.dataset("articles")           # datasets.Dataset, split "train"
    >>> c = dnnd.corpus()                       # navigate between records both ways
    >>> [person] = c.find_persons("Trần Quốc Vượng")
    >>> [(p.meeting.date, p.roles) for p in c.person_meetings(person)]
    >>> c.article_sentences("000-129a49d91db6336b")[0].tags   # the ner table, BIO tag names

The data ships inside the package and is read offline. Importing the package is cheap:
pydantic, pyarrow and datasets load on first use of a name that needs them.
"""

import importlib

from dnnd_dataset._version import __version__

# Not typing.TYPE_CHECKING: importing typing would double the cost of importing this package.
# Type checkers treat any constant of this name as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from dnnd_dataset.checking.pipeline import compile_corpus
    from dnnd_dataset.errors import DnndError, Issue, Report
    from dnnd_dataset.library.api import dataset, load, table
    from dnnd_dataset.library.navigation import Corpus, corpus
    from dnnd_dataset.records import (
        NER_TAGS,
        TABLE_NAMES,
        Article,
        Directive,
        Evidence,
        Meeting,
        Mention,
        NerSentence,
        Organization,
        Person,
        Post,
    )

__all__ = [
    "NER_TAGS",
    "TABLE_NAMES",
    "Article",
    "Corpus",
    "Directive",
    "DnndError",
    "Evidence",
    "Issue",
    "Meeting",
    "Mention",
    "NerSentence",
    "Organization",
    "Person",
    "Post",
    "Report",
    "__version__",
    "compile_corpus",
    "corpus",
    "dataset",
    "load",
    "table",
]

# Where each lazily loaded name lives; the module is imported on first access only.
_LAZY: dict[str, str] = {
    "NER_TAGS": "dnnd_dataset.records",
    "TABLE_NAMES": "dnnd_dataset.records",
    "Article": "dnnd_dataset.records",
    "Directive": "dnnd_dataset.records",
    "Evidence": "dnnd_dataset.records",
    "Meeting": "dnnd_dataset.records",
    "Mention": "dnnd_dataset.records",
    "NerSentence": "dnnd_dataset.records",
    "Organization": "dnnd_dataset.records",
    "Person": "dnnd_dataset.records",
    "Post": "dnnd_dataset.records",
    "DnndError": "dnnd_dataset.errors",
    "Issue": "dnnd_dataset.errors",
    "Report": "dnnd_dataset.errors",
    "compile_corpus": "dnnd_dataset.checking.pipeline",
    "Corpus": "dnnd_dataset.library.navigation",
    "corpus": "dnnd_dataset.library.navigation",
    "dataset": "dnnd_dataset.library.api",
    "load": "dnnd_dataset.library.api",
    "table": "dnnd_dataset.library.api",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    # Cache it in the module namespace so __getattr__ runs once per name.
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    # Only the public names and the module dunders: not helpers, nor submodules bound by import.
    return sorted({*__all__, *(name for name in globals() if name.startswith("__"))})
