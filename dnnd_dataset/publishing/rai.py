"""Croissant's Responsible AI fields, taken from the sections of the dataset card's prose.

The card (``DATASET_CARD.md``) is the one place where sources, annotation and limits are
written; Croissant RAI (``http://mlcommons.org/croissant/RAI/``) asks for the same things
as properties. Each property below is filled with the text of the card section of the
Hugging Face card template that answers it: a section that is a bulleted list gives one
value per item, any other section one value. A property whose section the prose lacks is
left out.
"""

from __future__ import annotations

import re
from typing import Any

# RAI property, card section title, and whether the property holds one value or many
# (cardinality ONE or MANY in the RAI vocabulary).
SECTIONS: tuple[tuple[str, str, bool], ...] = (
    ("rai:dataCollection", "Data Collection and Processing", False),
    ("rai:dataCollectionRawData", "Who are the source data producers?", False),
    ("rai:dataAnnotationProtocol", "Annotation process", True),
    ("rai:annotatorDemographics", "Who are the annotators?", True),
    ("rai:dataUseCases", "Direct Use", True),
    ("rai:dataLimitations", "Out-of-Scope Use", True),
    ("rai:dataBiases", "Bias, Risks, and Limitations", True),
    ("rai:personalSensitiveInformation", "Personal and Sensitive Information", True),
)

_HEADING = re.compile(r"^(#{1,6}) +(.+?) *$", re.MULTILINE)
_BULLET = re.compile(r"^- ", re.MULTILINE)


def sections(prose: str) -> dict[str, str]:
    """The body of each section of the prose by its title, up to the next heading."""
    headings = list(_HEADING.finditer(prose))
    bodies: dict[str, str] = {}
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(prose)
        bodies.setdefault(heading.group(2), prose[heading.end() : end].strip())
    return bodies


def rai_fields(prose: str) -> dict[str, Any]:
    """The RAI properties the card's sections fill, in the order of :data:`SECTIONS`."""
    found = sections(prose)
    fields: dict[str, Any] = {}
    for prop, title, many in SECTIONS:
        body = found.get(title, "")
        if not body:
            continue
        fields[prop] = _items(body) if many else _plain(body)
    return fields


def _items(body: str) -> list[str]:
    """A bulleted list as its items; any other text as one item."""
    if not body.startswith("- "):
        return [_plain(body)]
    return [_plain(item) for item in _BULLET.split(body) if item.strip()]


def _plain(text: str) -> str:
    """The text with its line breaks inside paragraphs joined, paragraphs kept apart."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs)
