"""A meeting's typed date fields from its date as printed, in EDTF."""

from __future__ import annotations

from typing import Any

_PRECISION_OF_LENGTH = {4: "year", 7: "month", 10: "day"}
_DATE_KEYS = ("date", "date_precision", "date_inferred", "date_basis", "date_edtf")


def with_printed_date(entry: dict[str, Any], edtf: str) -> dict[str, Any]:
    """``entry`` with the date ``edtf`` (already valid, '' for none) says is printed, its
    date fields where the entry had them (after ``kind`` when it had none).

    A date printed whole is typed with its precision. One with a part not printed keeps the
    typed date the entry infers, with its basis, where that date agrees with the printed
    parts; otherwise the typed date is null and ``date_edtf`` alone keeps what is printed.
    """
    fields = _date_fields(entry, edtf)
    keys = list(entry)
    at = next((i for i, key in enumerate(keys) if key in _DATE_KEYS), None)
    if at is None:
        at = keys.index("kind") + 1 if "kind" in keys else len(keys)
    kept = [(key, value) for key, value in entry.items() if key not in _DATE_KEYS]
    before = sum(1 for key in keys[:at] if key not in _DATE_KEYS)
    return dict([*kept[:before], *fields.items(), *kept[before:]])


def _date_fields(entry: dict[str, Any], edtf: str) -> dict[str, Any]:
    if not edtf:
        return {}
    precision = _PRECISION_OF_LENGTH[len(edtf)]
    if "X" not in edtf:
        typed = edtf + "-01-01"[len(edtf) - 4 :] if len(edtf) < 10 else edtf
        return {"date": typed, "date_precision": precision, "date_edtf": edtf}
    earlier = str(entry.get("date") or "")
    agrees = (
        entry.get("date_inferred") is True
        and entry.get("date_basis")
        and entry.get("date_precision") == precision
        and len(earlier) == 10
        and all(p in ("X", k) for p, k in zip(edtf, earlier, strict=False))
    )
    if agrees:
        return {
            "date": earlier,
            "date_precision": precision,
            "date_inferred": True,
            "date_basis": entry["date_basis"],
            "date_edtf": edtf,
        }
    return {"date_edtf": edtf}
