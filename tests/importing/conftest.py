"""Fixtures of the import tests: the source files in fixtures/ (built from the
documented shapes of Jira's, Linear's and GitHub's exports and APIs), the CLI
runner, and a stub of Jira's search endpoint on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture
def jira_stub():
    """A Jira site: ``/rest/api/3/search/jql`` answers ``state.pages`` in turn
    (linked by nextPageToken); ``state.answers`` are statuses (with headers) to give
    first; ``state.requests`` is what it was asked."""
    state = SimpleNamespace(pages=[], answers=[], requests=[], url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            state.requests.append(
                SimpleNamespace(path=parts.path, query=query, auth=self.headers["Authorization"])
            )
            if state.answers:
                status, headers = state.answers.pop(0)
                body = b'{"errorMessages": ["no"]}'
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            if parts.path != "/rest/api/3/search/jql":
                self.send_error(404)
                return
            index = int(query.get("nextPageToken", "0").removeprefix("page-") or 0)
            page = {"issues": state.pages[index]}
            if index + 1 < len(state.pages):
                page["nextPageToken"] = f"page-{index + 1}"
            else:
                page["isLast"] = True
            body = json.dumps(page).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}"
    yield state
    server.shutdown()
    server.server_close()
