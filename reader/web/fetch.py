"""Fetch one web page over http or https, within the limits of `WebSettings`.

The standard library's `http.client`, driven by hand so that every redirect is recorded and
checked (scheme, count), the whole fetch keeps one deadline, and the body is read in chunks
and dropped the moment it passes the size limit. Every failure is a `FetchError` with one
line for the user; nothing is written anywhere here.
"""

from __future__ import annotations

import codecs
import http.client
import re
import socket
import ssl
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from urllib.parse import urljoin, urlsplit, urlunsplit

from reader import __version__
from reader.web import is_url
from reader.web.settings import WebSettings

__all__ = ["USER_AGENT", "FetchError", "Fetched", "fetch", "is_url", "without_fragment"]

USER_AGENT = (
    f"reader/{__version__} (terminal reader for fact-checkers; fetches one page an analyst "
    "asked for; Python http.client)"
)
"""Says what is asking and why; no browser disguise."""

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


class FetchError(Exception):
    """The page could not be fetched; the message is one line for the user."""


@dataclass
class Fetched:
    """A page as the server sent it."""

    url: str
    """The URL asked for (fragment dropped)."""
    final_url: str
    status: int
    content_type: str
    charset: str
    """From the headers, else from the page's `<meta>`, else "" (detected when decoding)."""
    body: bytes
    retrieved: str
    """When the body was received (UTC, ISO 8601)."""
    redirects: list[dict[str, object]] = field(default_factory=list)
    """Each hop: {"status", "from", "to"}."""


def without_fragment(url: str) -> str:
    """The URL without its `#fragment` (the same page); scheme and host lower-cased."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/",
                       parts.query, ""))


def fetch(url: str, settings: WebSettings,
          progress: Callable[[str], None] | None = None) -> Fetched:
    """GET `url`, following at most `settings.max_redirects` redirects."""
    tell = progress or (lambda _message: None)
    deadline = time.monotonic() + settings.timeout
    current = _checked(url)
    given = current
    redirects: list[dict[str, object]] = []
    while True:
        tell(f"fetching {current}")
        status, reason, headers, body = _get(current, settings, deadline, tell)
        if status in REDIRECTS:
            location = headers.get("Location")
            if not location:
                raise FetchError(f"HTTP {status} redirect without a Location")
            target = _checked(urljoin(current, location.strip()))
            redirects.append({"status": status, "from": current, "to": target})
            if len(redirects) > settings.max_redirects:
                raise FetchError(f"more than {settings.max_redirects} redirects")
            tell(f"redirected ({status}) to {target}")
            current = target
            continue
        if status != 200:
            raise FetchError(f"HTTP {status} {_one_line(reason)}".rstrip())
        content_type = headers.get_content_type() if headers.get("Content-Type") else ""
        if content_type and content_type not in HTML_TYPES:
            raise FetchError(f"not a web page (content type {_one_line(content_type)})")
        assert body is not None
        declared = headers.get_param("charset")
        charset = (_charset(declared) if isinstance(declared, str) else "") or _page_charset(body)
        return Fetched(
            url=given,
            final_url=current,
            status=status,
            content_type=content_type or "text/html",
            charset=charset,
            body=body,
            retrieved=datetime.now(UTC).isoformat(timespec="seconds"),
            redirects=redirects,
        )


def _checked(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"only http and https URLs are fetched, not {_one_line(parts.scheme)}:")
    if not parts.hostname:
        raise FetchError("the URL names no host")
    return without_fragment(url)


def _get(url: str, settings: WebSettings, deadline: float,
         tell: Callable[[str], None]) -> tuple[int, str, Message, bytes | None]:
    """One request: (status, reason, headers, body or None for a redirect)."""
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    connection: http.client.HTTPConnection
    try:
        port = parts.port
    except ValueError:
        raise FetchError("the URL has a bad port") from None
    remaining = _remaining(deadline, settings)
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(parts.hostname or "", port, timeout=remaining,
                                                 context=ssl.create_default_context())
    else:
        connection = http.client.HTTPConnection(parts.hostname or "", port, timeout=remaining)
    try:
        connection.request("GET", target, headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
            "Accept-Encoding": "identity",
        })
        response = connection.getresponse()
        if response.status in REDIRECTS or response.status != 200:
            return response.status, response.reason, response.headers, None
        length = response.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > settings.max_bytes:
            raise FetchError(_too_large(int(length), settings))
        body = _read(response, connection, settings, deadline, tell)
        encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
        return response.status, response.reason, response.headers, _decoded(
            body, encoding, settings)
    except FetchError:
        raise
    except TimeoutError:
        raise FetchError(f"timed out after {settings.timeout:g} s") from None
    except socket.gaierror:
        raise FetchError(f"cannot find the host {parts.hostname} (offline?)") from None
    except ConnectionRefusedError:
        raise FetchError(f"cannot connect to {parts.netloc} (connection refused)") from None
    except ssl.SSLError as error:
        raise FetchError(f"secure connection failed ({_one_line(str(error))})") from None
    except (http.client.HTTPException, OSError) as error:
        reason = _one_line(str(error)) or type(error).__name__
        raise FetchError(f"network error ({reason})") from None
    finally:
        connection.close()


def _read(response: http.client.HTTPResponse, connection: http.client.HTTPConnection,
          settings: WebSettings, deadline: float, tell: Callable[[str], None]) -> bytes:
    chunks: list[bytes] = []
    size = 0
    told = 0
    while True:
        if connection.sock is not None:
            connection.sock.settimeout(_remaining(deadline, settings))
        chunk = response.read1(CHUNK) if hasattr(response, "read1") else response.read(CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > settings.max_bytes:
            raise FetchError(_too_large(size, settings, at_least=True))
        chunks.append(chunk)
        if size - told >= 1024 * 1024:
            told = size
            tell(f"received {size / 2**20:.1f} MB")
    return b"".join(chunks)


def _decoded(body: bytes, encoding: str, settings: WebSettings) -> bytes:
    """The body without a gzip/deflate Content-Encoding a server sent although asked not to;
    the size limit holds for what it unpacks to."""
    if encoding in ("identity", ""):
        return body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(f"unsupported content encoding {_one_line(encoding)}")
    wbits = 31 if "gzip" in encoding else 15
    try:
        unpacker = zlib.decompressobj(wbits)
        data = unpacker.decompress(body, settings.max_bytes + 1)
    except zlib.error:
        raise FetchError(f"damaged {encoding} body") from None
    if len(data) > settings.max_bytes:
        raise FetchError(_too_large(len(data), settings, at_least=True))
    return data


def _remaining(deadline: float, settings: WebSettings) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(f"timed out after {settings.timeout:g} s")
    return left


def _too_large(size: int, settings: WebSettings, *, at_least: bool = False) -> str:
    more = "more than " if at_least else ""
    if at_least:  # stopped once past the limit: how far past depends on the chunks read
        size = settings.max_bytes
    return (f"page too large ({more}{size / 2**20:.1f} MB; the limit is "
            f"{settings.max_bytes / 2**20:g} MB, [web] max_mb in reader.toml)")


def _charset(name: str) -> str:
    """A charset name Python knows, else ""."""
    name = name.strip().strip("\"'").lower()
    if not name:
        return ""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


def _page_charset(body: bytes) -> str:
    """The charset a `<meta>` declares in the first 4 KB (the HTML prescan)."""
    match = _META_CHARSET.search(body[:4096])
    return _charset(match.group(1).decode("ascii", "replace")) if match else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]
