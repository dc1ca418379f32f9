"""A local HTTP server on 127.0.0.1 for the web tests (in-process, threads): fixture pages,
a redirect chain, a 404, a slow response, a 30 MB body, a non-HTML type, a charset given
only in the page, and a page whose content the test changes (for --refresh)."""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WEB = Path(__file__).parent / "fixtures" / "web"
ARTICLE = (WEB / "div-page.html").read_bytes()
LATIN1 = (
    "<html><head><meta charset=\"iso-8859-1\"><title>Caf\u00e9 news</title></head><body>"
    "<article><p>" + "Le caf\u00e9 de la gare a rouvert ses portes lundi \u00e0 Gen\u00e8ve. " * 8
    + "</p></article></body></html>"
).encode("latin-1")
BIG = 30 * 1024 * 1024


@dataclass
class Served:
    """The running server: its base URL, the hits per path, and pages the test may change."""

    base: str
    hits: dict[str, int] = field(default_factory=dict)
    pages: dict[str, bytes] = field(default_factory=dict)
    agents: list[str] = field(default_factory=list)
    slow_seconds: float = 3.0

    def url(self, path: str) -> str:
        return self.base + path


def _handler(served: Served) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8",
                  headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)  # unless the client gave up (timed out)

        def _redirect(self, status: int, location: str) -> None:
            self._send(status, b"", headers={"Location": location})

        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            path = self.path
            served.hits[path] = served.hits.get(path, 0) + 1
            served.agents.append(self.headers.get("User-Agent", ""))
            if path == "/article":
                self._send(200, ARTICLE)
            elif path == "/r1":
                self._redirect(301, "/r2")
            elif path == "/r2":
                self._redirect(302, served.url("/r3"))
            elif path == "/r3":
                self._redirect(307, "/article#story")
            elif path.startswith("/loop"):
                n = int(path[5:] or 0)
                self._redirect(302, f"/loop{n + 1}")
            elif path == "/missing":
                self._send(404, b"<html><body><p>Not found</p></body></html>")
            elif path == "/slow":
                time.sleep(served.slow_seconds)
                self._send(200, ARTICLE)
            elif path == "/huge":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(BIG))
                self.end_headers()
                self._stream(BIG)
            elif path == "/huge-unannounced":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Connection", "close")
                self.end_headers()
                self._stream(BIG)
            elif path == "/report.pdf":
                self._send(200, b"%PDF-1.4\n%\xe2\xe3\n", ctype="application/pdf")
            elif path == "/gzipped":
                self._send(200, gzip.compress(ARTICLE), headers={"Content-Encoding": "gzip"})
            elif path == "/latin1":
                self._send(200, LATIN1, ctype="text/html")
            elif path in served.pages:
                self._send(200, served.pages[path])
            else:
                self._send(404, b"no such page")

        def _stream(self, size: int) -> None:
            chunk = b"<p>" + b"x" * 65530 + b"</p>"
            try:
                sent = 0
                while sent < size:
                    part = chunk[: size - sent]
                    self.wfile.write(part)
                    sent += len(part)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading at its limit

    return Handler


@contextmanager
def serve() -> Iterator[Served]:
    """Run the server in a thread for the duration of the block."""
    served = Served(base="")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(served))
    server.daemon_threads = True
    served.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield served
    finally:
        server.shutdown()
        server.server_close()
