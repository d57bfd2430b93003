"""Only the public API of the libraries we build on: a private name may change in any release."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from .conftest import REPO

SOURCES = sorted(
    path
    for folder in ("dnnd_dataset", "tests", "bench")
    for path in (REPO / folder).rglob("*.py")
    if "datasets" in path.read_text(encoding="utf-8")
)


def private_uses(source: str) -> list[str]:
    """``x._name`` where x is not self or cls, and ``from datasets... import _name``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            base = node.value
            if not node.attr.startswith("__") and not (
                isinstance(base, ast.Name) and base.id in ("self", "cls")
            ):
                found.append(f"line {node.lineno}: .{node.attr}")
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("datasets"):
            found += [f"line {node.lineno}: {a.name}" for a in node.names if a.name[0] == "_"]
            if any(part.startswith("_") for part in (node.module or "").split(".")):
                found.append(f"line {node.lineno}: {node.module}")
    return found


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_private_name_of_datasets(path: Path) -> None:
    assert private_uses(path.read_text(encoding="utf-8")) == []


def test_the_check_sees_a_private_method() -> None:
    assert private_uses("features(name)._to_yaml_list()") == ["line 1: ._to_yaml_list"]
