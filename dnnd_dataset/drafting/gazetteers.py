"""Places from well-kept sources: provinces and districts, countries and regions.

Vietnamese provinces and districts come from ``vietnamadminunits``, which knows the 63
provinces before the 2025 merger and the 34 after it (the corpus spans 2011 onwards);
countries and regions as the Vietnamese press writes them ("Hàn Quốc", "Campuchia",
"Châu Âu") from the CLDR data that ``babel`` ships (``Locale("vi").territories``). Each
source is optional: without its library it gives no names.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import re
from importlib import metadata
from pathlib import Path

from dnnd_dataset import sealing

# CLDR codes of no place: pseudo-locales, the world, unknown region, bodies (UN, EU).
_NOT_PLACES = frozenset({"XA", "XB", "UN", "EU", "EZ", "001", "ZZ", "QO"})
# A region's first word that the press writes in lower case mid-sentence ("châu Âu").
_LOWERED = frozenset({"Châu", "Miền", "Vùng", "Bắc", "Nam", "Đông", "Tây", "Trung"})


def _variants(name: str) -> set[str]:
    found = {name, name.upper()}
    first, _, rest = name.partition(" ")
    if rest and first in _LOWERED and first in {"Châu", "Miền", "Vùng"}:
        found.add(f"{first.lower()} {rest}")
    return found


@functools.cache
def countries_and_regions() -> frozenset[str]:
    """Country and region names of CLDR in Vietnamese, with the press's lower-case "châu"."""
    try:
        from babel import Locale
    except ImportError:
        return frozenset()
    found: set[str] = set()
    for code, name in Locale("vi").territories.items():
        if code in _NOT_PLACES or "," in name or name.startswith("Pseudo"):
            continue
        # "Myanmar (Miến Điện)": both names.
        for part in re.split(r"\s*[()]\s*", name):
            if part:
                found |= _variants(part)
    return frozenset(found)


@functools.cache
def provinces_and_districts() -> frozenset[str]:
    """Provinces before and after 2025, bare ("Quảng Nam") and with their kind ("tỉnh
    Quảng Nam", "thành phố Đà Nẵng", "TP. Hồ Chí Minh"); districts only with their kind
    ("huyện Tây Giang"), since a bare district name is often a person's or a company's."""
    try:
        from vietnamadminunits.parser import parser_from_2025, parser_legacy
    except ImportError:
        return frozenset()
    found: set[str] = set()
    for table in (parser_legacy.DICT_PROVINCE, parser_from_2025.DICT_PROVINCE):
        for unit in table.values():
            short, full = unit["provinceShort"], unit["province"]
            kind = full[: len(full) - len(short)].strip()
            forms = {short, full, f"{kind.lower()} {short}"}
            if kind == "Thành phố":
                forms |= {f"TP. {short}", f"TP {short}", f"Tp. {short}"}
            # A bare name in capitals is as often a person's ("HỒ CHÍ MINH"): with its kind only.
            found |= forms | {form.upper() for form in forms if form != short}
    for districts in parser_legacy.DICT_PROVINCE_DISTRICT.values():
        for unit in districts.values():
            kind, short = unit["districtType"], unit["districtShort"]
            if kind and short and not short.isdigit():
                found |= {f"{kind.lower()} {short}", f"{kind} {short}"}
    return frozenset(found)


@functools.cache
def place_names() -> frozenset[str]:
    """Every place name the installed sources know, read from the user's cache when this
    user sealed it for these library versions (reading the libraries' tables takes a second
    of every ``dnnd add``), else from the libraries, and then cached."""
    key = _key()
    path = sealing.user_cache() / "drafter" / f"places-{key}.json"
    try:
        sealed = path.read_bytes()
        if hmac.compare_digest(sealed[:32], sealing.seal(key, sealed[32:])):
            names = json.loads(sealed[32:].decode("utf-8"))
            if isinstance(names, list) and all(isinstance(n, str) for n in names):
                return frozenset(names)
    except (OSError, ValueError):
        pass
    found = countries_and_regions() | provinces_and_districts()
    content = json.dumps(sorted(found), ensure_ascii=False).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        partial.write_bytes(sealing.seal(key, content) + content)
        os.replace(partial, path)
    except OSError:
        pass  # a cache that cannot be written only costs time
    return found


def _key() -> str:
    """What the names depend on: this module and the sources' versions."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for name in ("vietnamadminunits", "babel"):
        try:
            digest.update(f"{name}={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name}=-".encode())
    return digest.hexdigest()
