#!/usr/bin/env python3
"""Build the dataset: ``python build.py [--raw raw] [--out dist]``.

Checks the annotated corpus under ``raw/`` and writes the Hugging Face dataset folder
(Parquet, card, Croissant, SHA256SUMS). Exit 0 on success; 1 with every problem listed
as ``path:line: message`` when the corpus does not validate, leaving ``--out`` as it was.
"""

import sys

from dnnd_dataset.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
