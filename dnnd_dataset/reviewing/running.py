"""Running the review server: loopback, a free port, the URL printed and opened."""

from __future__ import annotations

import socket
import webbrowser
from collections.abc import Callable
from pathlib import Path

from dnnd_dataset.reviewing.server import review_app
from dnnd_dataset.reviewing.session import review_session


def serve_review(
    raw: Path,
    document: str | None,
    *,
    open_browser: bool,
    say: Callable[[str], None],
) -> None:
    """Serve the review of ``document`` until Ctrl-C. Each save replaces files by renames
    and the server finishes a save under way before it stops, so every file stays whole."""
    import uvicorn

    with review_session(raw, document) as session:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))  # loopback only, a port the system knows is free
        listener.listen(16)
        port = listener.getsockname()[1]
        url = f"http://127.0.0.1:{port}/?token={session.token}"
        config = uvicorn.Config(
            review_app(session, port),
            log_level="warning",
            access_log=False,
            lifespan="off",
            server_header=False,
        )
        say(f"reviewing {session.annotation} at {url}")
        say("stop with Ctrl-C; nothing is written until you press Save in the page")
        if open_browser:
            webbrowser.open(url)
        uvicorn.Server(config).run(sockets=[listener])
