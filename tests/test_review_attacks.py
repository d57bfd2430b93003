"""The review server against contributed input and hostile requests."""

from __future__ import annotations

import asyncio
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the 'review' extra is not installed")

from starlette.types import Message

from dnnd_dataset.errors import DnndError
from dnnd_dataset.reviewing.server import MAX_BODY, review_app
from dnnd_dataset.reviewing.session import ReviewSession, review_session

from .conftest import snapshot
from .review_draft import place_draft

PORT = 8123
CHUNK = 1024 * 1024


@pytest.fixture()
def session(raw_copy: Path) -> Iterator[ReviewSession]:
    with review_session(raw_copy, place_draft(raw_copy).stem) as held:
        yield held


def _post(
    session: ReviewSession, chunks: int, headers: list[tuple[bytes, bytes]]
) -> tuple[int, bytes, int]:
    """POST ``chunks`` chunks of CHUNK bytes to /api/save; the status, the answer's body and
    how many chunks the server asked for."""
    asked = 0
    sent: list[Message] = []

    async def receive() -> Message:
        nonlocal asked
        asked += 1
        if asked > chunks:
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": b" " * CHUNK, "more_body": asked < chunks}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/save",
        "raw_path": b"/api/save",
        "query_string": b"",
        "root_path": "",
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", PORT),
        "headers": [
            (b"host", f"127.0.0.1:{PORT}".encode()),
            (b"x-review-token", session.token.encode()),
            (b"content-type", b"application/json"),
            *headers,
        ],
    }

    async def run() -> None:
        await review_app(session, PORT)(scope, receive, send)

    asyncio.run(run())
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body, asked


def test_a_body_over_the_cap_is_refused_before_it_is_read_whole(session: ReviewSession) -> None:
    before = snapshot(session.raw)
    refused = b'{"error":"the request is larger than any review"}'
    chunks = 64  # 64 MiB offered, the cap is 4 MiB
    # Sent without a length, the body is read only until it passes the cap.
    status, body, asked = _post(session, chunks, [])
    assert (status, body) == (413, refused)
    assert asked == MAX_BODY // CHUNK + 1
    # A declared length over the cap is refused before any of the body is read.
    length = str(chunks * CHUNK).encode()
    status, body, asked = _post(session, chunks, [(b"content-length", length)])
    assert (status, body, asked) == (413, refused, 0)
    assert snapshot(session.raw) == before


def test_a_registry_file_that_is_a_fifo_is_never_opened(session: ReviewSession) -> None:
    from starlette.testclient import TestClient

    client = TestClient(review_app(session, PORT), base_url=f"http://127.0.0.1:{PORT}")
    headers = {"X-Review-Token": session.token}
    state = client.get("/api/draft", headers=headers).json()
    fifo = session.raw / "registry" / "persons" / "hoang-yen.yaml"
    os.mkfifo(fifo)
    before = snapshot(session.raw)
    opened = threading.Event()

    def writer() -> None:
        # Blocks until a reader opens the FIFO; a save that opened it would wait for this.
        descriptor = os.open(fifo, os.O_WRONLY)
        opened.set()
        os.write(descriptor, b"id: hoang-yen\nname: Hoang Yen\n")
        os.close(descriptor)

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    start = state["text"].index("Hoàng Yến")
    added = {
        "span": {"start": start, "end": start + len("Hoàng Yến")},
        "kind": "person",
        "entry": {"id": "hoang-yen", "name": "Hoàng Yến"},
    }
    answer = client.post(
        "/api/save", headers=headers, json={"base": state["base"], "added": [added]}
    )
    was_opened = opened.is_set()
    release = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    thread.join()
    os.close(release)
    assert not was_opened
    assert answer.status_code == 422
    assert [(p["item"], p["code"], p["message"]) for p in answer.json()["problems"]] == [
        (
            "added.0",
            "duplicate-id",
            f"{fifo} already holds another entry with the id 'hoang-yen'",
        )
    ]
    assert snapshot(session.raw) == before


def test_a_deeply_nested_body_is_refused_as_invalid_json(session: ReviewSession) -> None:
    from starlette.testclient import TestClient

    client = TestClient(review_app(session, PORT), base_url=f"http://127.0.0.1:{PORT}")
    headers = {"X-Review-Token": session.token, "Content-Type": "application/json"}
    before = snapshot(session.raw)
    deep = b'{"base": "x", "decisions": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}"
    answer = client.post("/api/save", headers=headers, content=deep)
    result = answer.json()
    # The column is where pydantic's parser stops, which depends on its version.
    message = result["problems"][0]["message"]
    assert re.fullmatch(r"Invalid JSON: recursion limit exceeded at line 1 column \d+", message)
    assert (answer.status_code, result) == (
        422,
        {
            "saved": False,
            "problems": [
                {
                    "item": None,
                    "field": "",
                    "code": "invalid-value",
                    "message": message,
                    "hint": "correct it in the page",
                    "path": str(session.annotation),
                    "line": 1,
                }
            ],
        },
    )
    assert snapshot(session.raw) == before


def test_a_draft_gone_meanwhile_is_reported_not_a_crash(session: ReviewSession) -> None:
    from starlette.testclient import TestClient

    client = TestClient(review_app(session, PORT), base_url=f"http://127.0.0.1:{PORT}")
    headers = {"X-Review-Token": session.token}
    base = client.get("/api/draft", headers=headers).json()["base"]
    session.annotation.rename(session.raw / "moved.yaml")
    before = snapshot(session.raw)
    refused = {
        "error": f"{session.annotation}: No such file or directory (fix: restore the file, "
        "or stop this review with Ctrl-C and start it again)"
    }
    answer = client.get("/api/draft", headers=headers)
    assert (answer.status_code, answer.json()) == (409, refused)
    answer = client.post("/api/save", headers=headers, json={"base": base})
    assert (answer.status_code, answer.json()) == (409, refused)
    assert snapshot(session.raw) == before


def test_a_documents_folder_that_is_a_link_is_not_reviewed(raw_copy: Path) -> None:
    stem = place_draft(raw_copy).stem
    elsewhere = raw_copy.parent / "elsewhere"
    (raw_copy / "documents").rename(elsewhere)
    (raw_copy / "documents").symlink_to(elsewhere)
    before = snapshot(elsewhere)
    for document in (stem, None):
        with pytest.raises(DnndError) as refused:
            review_session(raw_copy, document).__enter__()
        assert str(refused.value) == (
            f"{raw_copy / 'documents'}: a link or leads outside {raw_copy}, and a review "
            "writes only inside the raw folder (fix: make it a plain folder inside the raw "
            "folder)"
        )
    assert snapshot(elsewhere) == before


def test_the_newest_draft_is_never_read_through_a_link(raw_copy: Path) -> None:
    from dnnd_dataset.reviewing.session import document_stem

    draft = place_draft(raw_copy)
    # A link committed beside the drafts (to /dev/zero, it would be read for ever): a newer
    # draft in look, outside the raw folder.
    outside = raw_copy.parent / "outside.yaml"
    outside.write_bytes(draft.read_bytes())
    (raw_copy / "documents" / "999-0123456789abcdef.yaml").symlink_to(outside)
    (raw_copy / "documents" / "999-0123456789abcdef.txt").write_text("x\n", encoding="utf-8")
    assert document_stem(raw_copy, None) == draft.stem
