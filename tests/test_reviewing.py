"""The review server of ``dnnd review``: its refusals, and a save that writes exactly the
draft and the registry files of the accepted proposals, then returns the checks' problems.

The endpoints are driven through starlette's TestClient; the page itself is driven in a
browser by ``tests/test_review_browser.py``. Both review the fixed draft of
``tests/review_draft.py``, so that what a save writes does not change with the drafter.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the 'review' extra is not installed")
pytest.importorskip("httpx2", reason="starlette's TestClient needs httpx2: pip install '.[test]'")

from starlette.testclient import TestClient

from dnnd_dataset.errors import DnndError
from dnnd_dataset.reviewing.server import review_app
from dnnd_dataset.reviewing.session import ReviewSession, review_session

from .conftest import REPO, snapshot
from .review_draft import place_draft

PORT = 8123
ORIGIN = f"http://127.0.0.1:{PORT}"


@pytest.fixture()
def drafted(raw_copy: Path) -> tuple[Path, str]:
    return raw_copy, place_draft(raw_copy).stem


@pytest.fixture()
def served(drafted: tuple[Path, str]) -> Iterator[tuple[ReviewSession, TestClient]]:
    raw, stem = drafted
    with review_session(raw, stem) as session:
        client = TestClient(review_app(session, PORT), base_url=ORIGIN)
        yield session, client


def _headers(session: ReviewSession) -> dict[str, str]:
    return {"X-Review-Token": session.token}


def _state(session: ReviewSession, client: TestClient) -> dict[str, Any]:
    answer = client.get("/api/draft", headers=_headers(session))
    assert answer.status_code == 200
    result: dict[str, Any] = answer.json()
    return result


def _span(state: dict[str, Any], words: str) -> dict[str, int]:
    start = state["text"].index(words)
    return {"start": start, "end": start + len(words)}


def test_every_call_needs_the_session_token(served: tuple[ReviewSession, TestClient]) -> None:
    session, client = served
    before = snapshot(session.raw)
    assert client.get("/").status_code == 403
    assert client.get("/?token=wrong").status_code == 403
    assert client.get(f"/?token={session.token}").status_code == 200
    assert client.get("/api/draft").json() == {"error": "the session token is missing or wrong"}
    base = _state(session, client)["base"]
    for headers in ({}, {"X-Review-Token": "x" * 43}):
        answer = client.post("/api/save", headers=headers, json={"base": base})
        assert (answer.status_code, answer.json()) == (
            403,
            {"error": "the session token is missing or wrong"},
        )
    assert snapshot(session.raw) == before


def test_a_foreign_origin_or_host_is_refused(served: tuple[ReviewSession, TestClient]) -> None:
    session, client = served
    before = snapshot(session.raw)
    base = _state(session, client)["base"]
    save = {"base": base, "decisions": [{"item": "title", "action": "accept"}]}
    answer = client.post(
        "/api/save",
        headers={**_headers(session), "Origin": "http://attacker.example"},
        json=save,
    )
    assert (answer.status_code, answer.json()) == (
        403,
        {"error": "requests from http://attacker.example are refused"},
    )
    # A name rebound to 127.0.0.1 by another site's DNS still names another host.
    rebound = client.get("/api/draft", headers={**_headers(session), "Host": "attacker.example"})
    assert (rebound.status_code, rebound.json()) == (
        403,
        {"error": "this server answers only to its own address, 127.0.0.1"},
    )
    # A form of another site cannot send JSON: only application/json is read.
    form = client.post(
        "/api/save", headers=_headers(session), content=b"base=x", follow_redirects=False
    )
    assert (form.status_code, form.json()) == (
        415,
        {"error": "send the decisions as application/json"},
    )
    assert "access-control-allow-origin" not in answer.headers
    assert snapshot(session.raw) == before
    page = client.get(f"/?token={session.token}")
    assert page.headers["content-security-policy"].startswith(
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
        "connect-src 'self'"
    )


def test_no_path_leads_outside_the_draft_and_the_registries(
    served: tuple[ReviewSession, TestClient],
) -> None:
    session, client = served
    before = snapshot(session.raw)
    for path in ("/static/..%2Fsaving.py", "/static/../server.py", "/static/%2e%2e%2fitems.py"):
        assert client.get(path).status_code == 404, path
    assert client.get("/static/review.js").status_code == 200
    state = _state(session, client)
    escape = {
        "base": state["base"],
        "added": [
            {
                "span": _span(state, "Hoàng Yến"),
                "kind": "person",
                "entry": {"id": "../../../outside", "name": "Hoàng Yến"},
            }
        ],
    }
    answer = client.post("/api/save", headers=_headers(session), json=escape)
    assert answer.status_code == 422
    assert [(p["item"], p["field"], p["code"]) for p in answer.json()["problems"]] == [
        ("added.0", "proposals[0].entry.id", "invalid-id")
    ]
    assert snapshot(session.raw) == before
    assert not (session.raw.parent / "outside.yaml").exists()
    with pytest.raises(DnndError) as refused:
        review_session(session.raw, "../../etc/passwd").__enter__()
    assert str(refused.value) == (
        f"{session.raw / 'documents' / 'passwd.txt'}: no such file (fix: name a draft that "
        f"'dnnd add' wrote in {session.raw / 'documents'})"
    )


def test_a_second_review_of_the_same_draft_is_refused(drafted: tuple[Path, str]) -> None:
    raw, stem = drafted
    with review_session(raw, stem), pytest.raises(DnndError) as refused:  # noqa: SIM117
        with review_session(raw, stem):
            pass
    assert str(refused.value) == (
        f"{raw / 'documents' / (stem + '.yaml')}: already under review in another 'dnnd "
        "review' (fix: finish that review and stop its server with Ctrl-C, or use its page)"
    )
    with review_session(raw, stem):  # released once the first review ends
        pass


# The files the save below writes (ARTICLE stands for the id of the draft).
DOCUMENT = (REPO / "tests" / "data" / "review" / "saved.yaml").read_text(encoding="utf-8")
NHAT_VIET = """\
# yaml-language-server: $schema=../../../schema/raw/organizations.schema.json
id: hoi-huu-nghi-nhat-viet
name: Hội Hữu nghị Nhật - Việt
kind: international_organization
"""
LIEN_HIEP = """\
# yaml-language-server: $schema=../../../schema/raw/organizations.schema.json
id: lien-hiep-binh-dinh
name: Liên hiệp các tổ chức hữu nghị tỉnh Bình Định
kind: mass_organization
"""
MEETING = "hoi-nghi-tong-ket-cong-tac-doi-ngoai-nhan-dan-nam-2023-trien-khai-nhiem-vu-nam-2024"


def test_a_save_writes_the_draft_and_new_registry_files_and_returns_located_problems(
    served: tuple[ReviewSession, TestClient],
) -> None:
    session, client = served
    raw, stem = session.raw, session.stem
    state = _state(session, client)
    before = snapshot(raw)
    decisions = [
        {"item": "title", "action": "accept"},
        {"item": "mentions.0", "action": "accept"},
        {"item": "mentions.1", "action": "reject"},
        {"item": "proposals.0", "action": "accept", "meeting_date": "2024-01-12"},
        {"item": "proposals.1", "action": "accept", "entity": "tran-van-hai"},
        {
            "item": "proposals.2",
            "action": "accept",
            "span": _span(state, "Hội Hữu nghị Nhật - Việt"),
            "entry": {
                "id": "hoi-huu-nghi-nhat-viet",
                "name": "Hội Hữu nghị Nhật - Việt",
                "kind": "international_organization",
            },
        },
    ]
    added = [
        {
            "span": _span(state, "Liên hiệp các tổ chức hữu nghị tỉnh Bình Định"),
            "kind": "organization",
            "entry": {
                "id": "lien-hiep-binh-dinh",
                "name": "Liên hiệp các tổ chức hữu nghị tỉnh Bình Định",
                "kind": "mass_organization",
            },
        }
    ]
    answer = client.post(
        "/api/save",
        headers=_headers(session),
        json={"base": state["base"], "decisions": decisions, "added": added},
    )
    assert answer.status_code == 200
    result = answer.json()
    document = raw / "documents" / f"{stem}.yaml"
    written = [
        raw / "registry" / "meetings" / f"{MEETING}.yaml",
        raw / "registry" / "organizations" / "hoi-huu-nghi-nhat-viet.yaml",
        raw / "registry" / "organizations" / "lien-hiep-binh-dinh.yaml",
        document,
    ]
    assert result["written"] == [str(path) for path in written]
    changed = {k for k in {*before, *snapshot(raw)} if before.get(k) != snapshot(raw).get(k)}
    assert changed == {path.relative_to(raw).as_posix() for path in written}
    assert document.read_text(encoding="utf-8") == DOCUMENT.replace("ARTICLE", stem)
    expected = (REPO / "tests" / "data" / "review" / "meeting.yaml").read_text(encoding="utf-8")
    assert written[0].read_text(encoding="utf-8") == expected.replace("ARTICLE", stem)
    assert written[1].read_text(encoding="utf-8") == NHAT_VIET
    assert written[2].read_text(encoding="utf-8") == LIEN_HIEP
    text_file = str(raw / "documents" / f"{stem}.txt")
    assert result["problems"] == [
        {
            "item": None,
            "field": None,
            "code": "unmentioned-name",
            "message": "'Liên hiệp các tổ chức hữu nghị tỉnh Bình Định' (a name of "
            "lien-hiep-binh-dinh) is covered by no mention",
            "hint": f"add a mention of lien-hiep-binh-dinh to {stem}.yaml, or a waiver with a "
            "reason",
            "path": text_file,
            "line": 3,
        },
        {
            "item": "proposals.0",
            "field": "proposals[0]",
            "code": "unreviewed-proposal",
            "message": "1 drafted item(s) await review, the first here",
            "hint": "accept an item by deleting its 'proposed: true', reject it by deleting the "
            "item; correct the entries under 'proposals:' and run 'dnnd accept', or delete "
            "them",
            "path": str(document),
            "line": 20,
        },
    ]
    assert result["elsewhere"] == 0
    # The page is given the draft as saved: a second save from the old one is refused.
    assert result["state"]["base"] != state["base"]
    stale = client.post("/api/save", headers=_headers(session), json={"base": state["base"]})
    assert (stale.status_code, stale.json()) == (
        409,
        {
            "error": f"{document} changed on disk since the page was loaded (fix: reload the "
            "page; the decisions made since are lost, the file is kept as it is)"
        },
    )


def test_a_refused_save_writes_nothing_and_names_the_item(
    served: tuple[ReviewSession, TestClient],
) -> None:
    session, client = served
    state = _state(session, client)
    before = snapshot(session.raw)
    decisions = [
        {"item": "proposals.0", "action": "accept", "meeting_date": "2024-13-40"},
        {"item": "title", "action": "reject"},
    ]
    answer = client.post(
        "/api/save", headers=_headers(session), json={"base": state["base"], "decisions": decisions}
    )
    assert answer.status_code == 422
    assert [(p["item"], p["message"]) for p in answer.json()["problems"]] == [
        ("proposals.0", "Value error, '2024-13-40' is not a valid EDTF date")
    ]
    answer = client.post(
        "/api/save",
        headers=_headers(session),
        json={"base": state["base"], "decisions": decisions[1:]},
    )
    assert [(p["item"], p["message"]) for p in answer.json()["problems"]] == [
        ("title", "an article needs its title")
    ]
    assert snapshot(session.raw) == before


def test_without_the_extra_review_says_what_to_install(
    drafted: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from dnnd_dataset.cli import main

    raw, stem = drafted
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if it were not installed
    assert main(["review", stem, "--raw", str(raw), "--no-browser"]) == 1
    assert capsys.readouterr().err == (
        "dnnd: error: 'dnnd review' needs the library 'uvicorn', not installed for this Python "
        "(fix: pip install 'dnnd-dataset[review]', or pip install '.[review]' in the checkout)\n"
    )


def test_a_meeting_date_as_printed_gives_the_typed_date_fields() -> None:
    from dnnd_dataset.reviewing.meeting_dates import with_printed_date

    inferred = {
        "id": "m",
        "date": "2024-01-12",
        "date_precision": "day",
        "date_inferred": True,
        "date_basis": "the year of the page",
        "date_edtf": "XXXX-01-12",
    }
    assert with_printed_date({"id": "m"}, "2024-01-12") == {
        "id": "m",
        "date": "2024-01-12",
        "date_precision": "day",
        "date_edtf": "2024-01-12",
    }
    assert with_printed_date({"id": "m"}, "2024-01") == {
        "id": "m",
        "date": "2024-01-01",
        "date_precision": "month",
        "date_edtf": "2024-01",
    }
    # The year is not printed: an inferred year that agrees is kept, with its basis.
    assert with_printed_date(inferred, "XXXX-01-12") == inferred
    assert with_printed_date(inferred, "XXXX-01-13") == {"id": "m", "date_edtf": "XXXX-01-13"}
    assert with_printed_date(inferred, "") == {"id": "m"}
    # The date fields stand where the entry had them, after its kind when it had none.
    placed = with_printed_date({"id": "m", "kind": "congress", "location": "Huế"}, "2011")
    assert list(placed) == ["id", "kind", "date", "date_precision", "date_edtf", "location"]


def test_only_a_draft_is_reviewed_and_without_a_name_the_newest(drafted: tuple[Path, str]) -> None:
    from dnnd_dataset.reviewing.session import document_stem

    raw, stem = drafted
    assert document_stem(raw, None) == stem
    assert document_stem(raw, f"raw/documents/{stem}.yaml") == stem
    with pytest.raises(DnndError) as refused:
        document_stem(raw, "000-129a49d91db6336b")
    assert str(refused.value) == (
        f"{raw / 'documents' / '000-129a49d91db6336b'}.yaml: not a draft of 'dnnd add', and a "
        "save writes the file in the layout of a draft (fix: edit this annotation in an "
        "editor, then run 'dnnd check')"
    )
