#!/usr/bin/env python3
"""Build the dataset: ``python build.py [--raw raw] [--out dataset]``.

Checks the annotated corpus under ``raw/`` and writes the Hugging Face dataset folder
(Parquet, card, Croissant, SHA256SUMS). Exit 0 on success; 1 with every problem listed
as ``path:line: message`` when the corpus does not validate, leaving ``--out`` as it was.

Run in a checkout without ``--raw``, it builds the checkout's own corpus and also refreshes
the tables the package ships (``dnnd_dataset/_data``), so that they follow the corpus after
every change; ``--package-data DIR`` or ``--raw DIR`` leaves them to the caller.

``python -m build`` in this folder finds this file before PyPA's ``build`` package, since
Python puts the current folder first on the module path; so when imported under that name
it hands over to PyPA's ``build``, which writes the sdist and the wheel as in any project.
"""

import importlib.util
import runpy
import sys
from pathlib import Path


def _run_pypa_build() -> None:
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.modules.pop("build", None)
    if importlib.util.find_spec("build") is None:
        sys.exit(
            "python -m build needs PyPA's build, which is not installed: pip install build "
            "(python build.py builds the dataset)"
        )
    runpy.run_module("build", run_name="__main__", alter_sys=True)


def _arguments(argv: list[str]) -> list[str]:
    """``argv``, with the checkout's package data added when it builds the checkout's corpus."""
    given = {arg.split("=", 1)[0] for arg in argv}
    here = Path(__file__).resolve().parent
    package = here / "dnnd_dataset" / "_data"
    if given & {"--raw", "--package-data"} or not (package / "SHA256SUMS").is_file():
        return argv
    if Path("raw").resolve() != here / "raw":  # the default raw/ is another corpus
        return argv
    return [*argv, "--package-data", str(package)]


if __name__ == "__main__":
    if __spec__ is not None and __spec__.name == "build":  # python -m build
        _run_pypa_build()
    else:
        from dnnd_dataset.cli import command

        sys.exit(command(["build", *_arguments(sys.argv[1:])]))
