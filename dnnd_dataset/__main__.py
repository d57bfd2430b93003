"""``python -m dnnd_dataset``: the ``dnnd`` command."""

import sys

from dnnd_dataset.cli import main

if __name__ == "__main__":
    sys.exit(main())
