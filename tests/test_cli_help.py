"""`dnnd --help` and every command's help: a description, and words for every argument."""

from __future__ import annotations

import re

import pytest

from dnnd_dataset.cli import COMMANDS, DEFAULT_OUTPUT, main

ENTRY = re.compile(r"^  (\S.*?)(?:\s{2,}(\S.*))?$")


def _help(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as done:
        main([*argv, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


def _sections(text: str) -> tuple[str, dict[str, str]]:
    """The description, and the help of each entry (option or argument) by its flags."""
    blocks = text.split("\n\n")
    description = " ".join(blocks[1].split()) if len(blocks) > 1 else ""
    entries: dict[str, str] = {}
    for block in blocks:
        lines = block.splitlines()
        if not lines or not lines[0].endswith(":") or lines[0].startswith(" "):
            continue
        current = None
        for line in lines[1:]:
            match = ENTRY.match(line)
            if match and not line.startswith("   "):
                current = match[1]
                entries[current] = match[2] or ""
            elif current is not None:
                entries[current] = (entries[current] + " " + line.strip()).strip()
    return description, entries


def test_the_command_lists_every_command_with_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    text = _help(capsys)
    description, _ = _sections(text)
    assert description.startswith("Build, check and verify the dnnd-dataset corpus")
    for name in COMMANDS:
        assert re.search(rf"^    {name}\s{{2,}}\S", text, re.MULTILINE), (name, text)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_a_description_and_help_for_each_argument(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = _help(capsys, name)
    description, entries = _sections(text)
    assert len(description) > 40, text
    assert entries, text
    for flags, words in entries.items():
        assert words, f"dnnd {name}: {flags} has no help"


def test_the_default_output_is_not_python_packagings_dist(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert DEFAULT_OUTPUT.name != "dist"
    _, entries = _sections(_help(capsys, "build"))
    assert entries["--out DIR"] == f"the dataset folder to write (default: {DEFAULT_OUTPUT})"
