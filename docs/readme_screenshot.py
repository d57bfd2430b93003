"""The README's screenshot of the explorer, taken from the site of the tables the package ships.

    python docs/readme_screenshot.py

Writes the site of ``dnnd_dataset.corpus()`` to a temporary folder, opens the article page
:data:`ARTICLE` in Debian's Chromium (through Playwright, as the browser tests do) and saves
the top of the page to ``docs/explorer-article.png``. The PNG carries, in a ``tEXt`` chunk,
the SHA-256 of what it shows: the page's HTML and the stylesheet. ``tests/test_explorer.py``
recomputes it from the current site and fails when the screenshot is stale.
"""

from __future__ import annotations

import hashlib
import shutil
import struct
import sys
import tempfile
import zlib
from pathlib import Path

DOCS = Path(__file__).resolve().parent
SCREENSHOT = DOCS / "explorer-article.png"
ARTICLE = "articles/000-129a49d91db6336b.html"
VIEWPORT = {"width": 1100, "height": 820}
KEY = b"dnnd-source-sha256"


def source_digest(site: Path) -> str:
    """The SHA-256 of what the screenshot shows: the article page and the stylesheet."""
    digest = hashlib.sha256()
    for relative in (ARTICLE, "style.css"):
        digest.update((site / relative).read_bytes())
    return digest.hexdigest()


def recorded_digest(png: bytes) -> str | None:
    """The digest a screenshot was taken with, from its ``tEXt`` chunk; None without one."""
    position = 8
    while position + 8 <= len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        body = png[position + 8 : position + 8 + length]
        if kind == b"tEXt" and body.startswith(KEY + b"\0"):
            return body[len(KEY) + 1 :].decode("ascii")
        position += 12 + length
    return None


def _without_digest(png: bytes) -> bytes:
    kept = [png[:8]]
    position = 8
    while position + 8 <= len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        chunk = png[position : position + 12 + length]
        if not (chunk[4:8] == b"tEXt" and chunk[8:].startswith(KEY + b"\0")):
            kept.append(chunk)
        position += 12 + length
    return b"".join(kept)


def with_digest(png: bytes, digest: str) -> bytes:
    """``png`` with one ``tEXt`` chunk recording ``digest``, placed before ``IEND``."""
    png = _without_digest(png)
    body = KEY + b"\0" + digest.encode("ascii")
    chunk = struct.pack(">I", len(body)) + b"tEXt" + body
    chunk += struct.pack(">I", zlib.crc32(b"tEXt" + body))
    end = png.rindex(b"IEND") - 4
    return png[:end] + chunk + png[end:]


def main() -> int:
    from playwright.sync_api import sync_playwright

    from dnnd_dataset import corpus
    from dnnd_dataset.explorer.site import write_site

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("readme_screenshot: Chromium not found: install Debian's chromium", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "site"
        write_site(corpus(), site)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=["--no-sandbox"]
            )
            page = browser.new_page(viewport=VIEWPORT)
            page.goto((site / ARTICLE).as_uri())
            png = page.screenshot()
            browser.close()
        SCREENSHOT.write_bytes(with_digest(png, source_digest(site)))
    print(f"wrote {SCREENSHOT.relative_to(DOCS.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
