"""The optional libraries of the drafter (``pip install "dnnd-dataset[draft]"``).

Each one adds knowledge the rules cannot hold: word segmentation and parts of speech
(underthesea), the provinces and districts before and after the 2025 merger
(vietnamadminunits), country and region names as CLDR writes them in Vietnamese (babel),
and the sequence model trained on the corpus (python-crfsuite). Without them the draft is
made from the rules and the corpus alone, with a note that it will be thinner.
"""

from __future__ import annotations

import importlib.util
import sys

# Module name -> (distribution, what it brings to a draft).
EXTRAS = {
    "underthesea": ("underthesea", "word segmentation and parts of speech"),
    "vietnamadminunits": ("vietnamadminunits", "provinces and districts"),
    "babel": ("babel", "countries and regions"),
    "pycrfsuite": ("python-crfsuite", "the sequence model trained on the corpus"),
}


def available(module: str) -> bool:
    """Whether ``module`` is installed, found without importing it (an import costs time);
    one blocked in ``sys.modules`` counts as missing."""
    if module in sys.modules:
        return sys.modules[module] is not None
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def missing() -> list[str]:
    """The modules of the ``draft`` extra that cannot be imported, in a fixed order."""
    return [module for module in EXTRAS if not available(module)]


def thin_note(modules: list[str]) -> str:
    """The note a draft made without ``modules`` carries."""
    what = "; ".join(f"{EXTRAS[m][0]} ({EXTRAS[m][1]})" for m in modules)
    return (
        f"drafts will be thinner without {what}: the draft finds fewer names, places and "
        'dates (fix: pip install "dnnd-dataset[draft]")'
    )
