"""The package is laid out by stage: each stage imports only from earlier stages and the bottom.

Imports under ``TYPE_CHECKING`` count too: a type-only cycle is still a cycle for a reader.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "dnnd_dataset"
# Lower rank imports nothing of higher rank; the bottom layer (rank 0) only itself.
RANK = {
    "records": 0,
    "errors": 0,
    "textnorm": 0,
    "directive_codes": 0,
    "segmentation": 0,
    "bio": 0,
    "suggestions": 0,
    "_version": 0,
    "span_index": 0,
    "roles_lexicon": 0,
    "sealing": 0,
    "file_tree": 0,
    "pandas_free": 0,
    "freed_memory": 0,
    "reading": 1,
    "drafting": 2,
    "checking": 3,
    "publishing": 4,
    "library": 5,
    "explorer": 6,
    "builder": 7,
    "reviewing": 8,
    "cli": 9,
    "__main__": 10,
}


def _part(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("dnnd_dataset."))
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}: relative import; write dnnd_dataset.<stage>.<module>"
            if node.module and node.module.startswith("dnnd_dataset."):
                found.add(node.module)
            elif node.module == "dnnd_dataset":
                found.update(f"dnnd_dataset.{a.name}" for a in node.names)
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_module_imports_only_earlier_stages(path: Path) -> None:
    own = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
    later = sorted(
        module
        for module in _imports(path)
        if _part(module) in RANK and RANK[_part(module)] > RANK[own]
    )
    assert later == [], f"{own} (stage {RANK[own]}) imports a later stage: {later}"


def test_every_module_belongs_to_a_stage() -> None:
    parts = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in MODULES}
    assert parts - {"_data"} == set(RANK)


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_import_cycle() -> None:
    graph = {_module_name(p): _imports(p) for p in PACKAGE.rglob("*.py")}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, f"import cycle: {' -> '.join((*path, module))}"
        if module in done or module not in graph:
            return
        for target in sorted(graph[module]):
            visit(target, (*path, module))
        done.add(module)

    for module in sorted(graph):
        visit(module, ())
