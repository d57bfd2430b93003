"""``python -m dnnd_dataset``: the ``dnnd`` command."""

import sys

from dnnd_dataset.cli import command

if __name__ == "__main__":
    sys.exit(command())
