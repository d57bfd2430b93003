"""The review server: one page and two calls, for one draft, on loopback only.

Every request must name this server as its Host (a page of another site that rebinds a
name to 127.0.0.1 gets nothing) and, when it has an Origin, come from this server's own
origin. The page, the draft's data and every write need the session's token: the page's URL
carries it once, the page's script sends it in a header, which no cross-site form can set.
No CORS header is ever sent, so no other site reads an answer either.
"""

from __future__ import annotations

import json
import secrets
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader
from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from dnnd_dataset._version import __version__
from dnnd_dataset.errors import DnndError
from dnnd_dataset.reviewing.decisions import SaveRequest
from dnnd_dataset.reviewing.saving import Problem, Refused, save
from dnnd_dataset.reviewing.session import ReviewSession, page_state

TOKEN_HEADER = "x-review-token"
# The explorer's policy, and the page's own calls to this server.
CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
)
MAX_BODY = 4 * 1024 * 1024
# File name -> (package, media type): nothing else is served.
STATIC = {
    "review.js": ("dnnd_dataset.reviewing", "text/javascript"),
    "review.css": ("dnnd_dataset.reviewing", "text/css"),
    "style.css": ("dnnd_dataset.explorer", "text/css"),
}
_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}


def _refused(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=_HEADERS)


class _Guard:
    """Host and Origin checked on every request, before any route runs."""

    def __init__(self, app: ASGIApp, port: int) -> None:
        self.app = app
        self.hosts = {f"127.0.0.1:{port}", f"localhost:{port}"}
        self.origins = {f"http://{host}" for host in self.hosts}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
            origin = headers.get("origin")
            problem = None
            if headers.get("host") not in self.hosts:
                problem = "this server answers only to its own address, 127.0.0.1"
            elif origin is not None and origin not in self.origins:
                problem = f"requests from {origin} are refused"
            if problem is not None:
                await _refused(403, problem)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def review_app(session: ReviewSession, port: int) -> ASGIApp:
    """The ASGI application of ``session``, for a server listening on 127.0.0.1:``port``."""
    templates = Environment(
        loader=PackageLoader("dnnd_dataset.reviewing", "templates"), autoescape=True
    )

    def authorized(request: Request, given: str | None) -> bool:
        return given is not None and secrets.compare_digest(
            given.encode("utf-8"), session.token.encode("utf-8")
        )

    async def page(request: Request) -> Response:
        if not authorized(request, request.query_params.get("token")):
            return _refused(403, "open the address that 'dnnd review' printed, with its token")
        html = templates.get_template("review.html.j2").render(
            token=session.token, article_id=session.stem, version=__version__
        )
        return HTMLResponse(html, headers=_HEADERS)

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return _refused(404, "no such file")
        package, media = STATIC[name]
        body = resources.files(package).joinpath("static").joinpath(name).read_bytes()
        return Response(body, media_type=media, headers=_HEADERS)

    def draft(request: Request) -> Response:
        if not authorized(request, request.headers.get(TOKEN_HEADER)):
            return _refused(403, "the session token is missing or wrong")
        try:
            return JSONResponse(page_state(session), headers=_HEADERS)
        except DnndError as error:
            return _refused(409, str(error))
        except OSError as error:
            return _refused(409, _unreadable(error))

    async def save_call(request: Request) -> Response:
        if not authorized(request, request.headers.get(TOKEN_HEADER)):
            return _refused(403, "the session token is missing or wrong")
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return _refused(415, "send the decisions as application/json")
        # Counted while it arrives: a body is never held whole past the cap.
        length = request.headers.get("content-length", "0")
        if not length.isdigit() or int(length) > MAX_BODY:
            return _refused(413, "the request is larger than any review")
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                return _refused(413, "the request is larger than any review")
            chunks.append(chunk)
        body = b"".join(chunks)
        try:
            decisions = SaveRequest.model_validate_json(body)
        except ValidationError as error:
            problems = [
                Problem(
                    _item_of_loc(decoded_body(body), problem["loc"]),
                    ".".join(map(str, problem["loc"])),
                    "invalid-value",
                    problem["msg"],
                    "correct it in the page",
                    str(session.annotation),
                    1,
                )
                for problem in error.errors()
            ]
            return _answer(422, False, problems)
        from starlette.concurrency import run_in_threadpool

        try:
            saved = await run_in_threadpool(save, session.raw, session.stem, decisions)
        except Refused as refused:
            return _answer(422, False, refused.problems)
        except DnndError as error:
            return _refused(409, str(error))
        except OSError as error:
            return _refused(409, _unreadable(error))
        return JSONResponse(
            {
                "saved": True,
                "written": [str(path) for path in saved.written],
                "problems": [problem.to_dict() for problem in saved.problems],
                "elsewhere": saved.elsewhere,
                "state": page_state(session),
            },
            headers=_HEADERS,
        )

    async def no_icon(request: Request) -> Response:
        return Response(status_code=204, headers=_HEADERS)  # the page has no icon to load

    app = Starlette(
        routes=[
            Route("/", page, methods=["GET"]),
            Route("/favicon.ico", no_icon, methods=["GET"]),
            Route("/static/{name}", static, methods=["GET"]),
            Route("/api/draft", draft, methods=["GET"]),
            Route("/api/save", save_call, methods=["POST"]),
        ]
    )
    return _Guard(app, port)


def _unreadable(error: OSError) -> str:
    """A file of the review that went missing or cannot be read or written meanwhile."""
    return (
        f"{error.filename}: {error.strerror or error} (fix: restore the file, or stop this "
        "review with Ctrl-C and start it again)"
    )


def _answer(status: int, saved: bool, problems: list[Problem]) -> JSONResponse:
    return JSONResponse(
        {"saved": saved, "problems": [problem.to_dict() for problem in problems]},
        status_code=status,
        headers=_HEADERS,
    )


def decoded_body(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # nesting too deep for Python's parser
        return None


def _item_of_loc(body: Any, loc: tuple[int | str, ...]) -> str | None:
    """The item a refused decision names, so that the page can show the problem there."""
    if len(loc) >= 2 and loc[0] == "decisions" and isinstance(loc[1], int):
        try:
            item = body["decisions"][loc[1]]["item"]
        except (TypeError, LookupError):
            return None
        return item if isinstance(item, str) else None
    if len(loc) >= 2 and loc[0] == "added" and isinstance(loc[1], int):
        return f"added.{loc[1]}"
    return None
