"""The draft as a raw annotation file, in the layout of the hand-written ones."""

from __future__ import annotations

from typing import Any

import yaml

from dnnd_dataset.errors import printable
from dnnd_dataset.reading.raw_models import DocumentAnnotation

SCHEMA_LINE = "# yaml-language-server: $schema=../../schema/raw/document.schema.json"
# Short items read best on one line each, as annotators write them by hand.
_ONE_LINE = ("mentions", "boilerplate", "proposals")


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # raw files refuse aliases: an entry two proposals share is written twice


class _Flow(dict[str, Any]):
    pass


_Dumper.add_representer(
    str,
    lambda dumper, data: dumper.represent_scalar(
        "tag:yaml.org,2002:str", data, style='"' if "\n" in data else None
    ),
)
_Dumper.add_representer(
    _Flow, lambda dumper, data: dumper.represent_mapping("tag:yaml.org,2002:map", data, True)
)
# A list of plain values (roles, ids, supports) reads best on one line, as annotators write it.
_Dumper.add_representer(
    list,
    lambda dumper, data: dumper.represent_sequence(
        "tag:yaml.org,2002:seq",
        data,
        all(isinstance(item, (str, int)) and "\n" not in str(item) for item in data) or None,
    ),
)


def _last_mark(item: dict[str, Any]) -> dict[str, Any]:
    """The review mark at the end of each item, where the eye finds it."""
    out = {
        k: _last_mark(v) if isinstance(v, dict) else v for k, v in item.items() if k != "proposed"
    }
    if item.get("proposed"):
        out["proposed"] = True
    return out


def flow_line(item: dict[str, Any]) -> str:
    """One item of a list written on one line, as annotators write mentions by hand."""
    return yaml.dump(
        _Flow(item), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000
    ).rstrip("\n")


def registry_file(registry: str, entry: dict[str, Any]) -> str:
    """The file ``raw/registry/<registry>/<id>.yaml`` of ``entry``, with its schema line."""
    body = yaml.dump(entry, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return f"# yaml-language-server: $schema=../../../schema/raw/{registry}.schema.json\n{body}"


def render(annotation: DocumentAnnotation, notes: list[str]) -> str:
    data = annotation.model_dump(mode="python", exclude_defaults=True)
    head = [
        SCHEMA_LINE,
        "# Drafted by 'dnnd add'. Review each item marked 'proposed: true' (delete the mark to",
        "# accept it, the item to reject it) and each proposal (correct its entry or delete it);",
        "# 'dnnd accept' then moves the proposals into the registries; 'dnnd build' waits.",
    ]
    # A note quotes command-line values: escaped, a newline in one cannot end the comment.
    head += [f"# Note: {printable(note)}" for note in notes]
    parts = []
    for key, value in data.items():
        if key in _ONE_LINE and value:
            # A proposal with its registry entry reads as the entry's file will.
            items = [
                _last_mark(item) if "entry" in item else _Flow(_last_mark(item)) for item in value
            ]
            body = yaml.dump(
                items, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000
            )
            parts.append(f"{key}:\n" + "".join(f"  {line}\n" for line in body.splitlines()))
        else:
            value = [_last_mark(v) for v in value] if isinstance(value, list) else value
            value = _last_mark(value) if isinstance(value, dict) else value
            parts.append(
                yaml.dump(
                    {key: value},
                    Dumper=_Dumper,
                    allow_unicode=True,
                    sort_keys=False,
                    width=100,
                )
            )
    return "\n".join(head) + "\n" + "".join(parts)
