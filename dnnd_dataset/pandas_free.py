"""Let pyarrow turn lists into arrays without importing pandas, in a process of the build.

The first time pyarrow converts a Python sequence it imports pandas, if it can, to tell a
pandas array from a list: 50 MiB and a third of a second in every build and every worker,
which hand pyarrow only lists and dictionaries. Only the processes the build starts for
itself (the command line and its workers) call :func:`spare_pandas`: pyarrow then takes
pandas for absent in that process, while ``import pandas`` still works in it.
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType


class _NoPandas(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname == "pandas":
            raise ModuleNotFoundError("pandas is not looked for here", name=fullname)
        return None


def spare_pandas() -> None:
    """Have pyarrow's first look for pandas find none, unless pandas is already imported."""
    if "pandas" in sys.modules:
        return
    import pyarrow as pa

    finder = _NoPandas()
    sys.meta_path.insert(0, finder)
    try:
        pa.array([0])
    finally:
        sys.meta_path.remove(finder)
