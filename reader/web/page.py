"""Open a URL as an article: find it in the store (no network), or fetch it, keep the raw
snapshot and add the extracted text; `refresh` fetches again, keeps the old snapshot and
re-anchors claims through `Store.add_article` (the mechanism a changed file uses).

Nothing is stored unless everything worked: the page is fetched, decoded and extracted
first; then the snapshot is written; then the article. A snapshot written for an article
that could not be stored is removed again. A read-only store fetches nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reader.records import SourceArticle, StoredArticle
from reader.store.errors import StoreError
from reader.store.store import Store
from reader.text.decode import TextError, decode_bytes, normalize_newlines
from reader.text.sanitize import clean_line, sanitize
from reader.web.fetch import Fetched, FetchError, fetch, without_fragment
from reader.web.settings import WebSettings
from reader.web.snapshots import SnapshotError, remove_snapshot, write_snapshot
from reader.wording import plural

__all__ = ["WebError", "WebResult", "find_web_article", "open_url", "snapshot_entries"]


class WebError(Exception):
    """The URL cannot be opened; the message is one line (without the URL)."""


@dataclass
class WebResult:
    """An opened URL: the store record, and what happened, in lines for the user."""

    record: StoredArticle
    fetched: bool
    messages: list[str] = field(default_factory=list)


def find_web_article(store: Store, url: str) -> StoredArticle | None:
    """The stored article that `url` (the one given, the final one, or any earlier one; the
    fragment does not matter) was opened as, or None."""
    try:
        key = without_fragment(url)
    except ValueError:
        return None
    record = store.find_by_source(key)
    if record is not None:
        return record
    for record in store.articles():
        web = (record.meta or {}).get("web")
        if isinstance(web, dict) and key in (web.get("urls") or []):
            return record
    return None


def snapshot_entries(record: StoredArticle) -> list[dict[str, Any]]:
    """Every snapshot of a web article, oldest first (the current one last)."""
    web = (record.meta or {}).get("web")
    if not isinstance(web, dict):
        return []
    history = [h for h in web.get("history") or [] if isinstance(h, dict)]
    current = {k: v for k, v in web.items() if k not in ("history", "urls")}
    return [*history, current] if current.get("content_hash") else history


def open_url(
    store: Store,
    url: str,
    settings: WebSettings,
    *,
    refresh: bool = False,
    progress: Callable[[str], None] | None = None,
) -> WebResult:
    """The article for `url`, fetched only when it is not stored yet or `refresh` is set."""
    try:
        key = without_fragment(url)
    except ValueError:
        raise WebError("not a valid URL") from None
    known = find_web_article(store, key)
    if known is not None and not refresh:
        return WebResult(known, fetched=False, messages=[])
    if store.readonly:
        why = store.readonly_reason or "the store is read-only"
        if known is not None:
            return WebResult(known, fetched=False,
                             messages=[f"not fetched again: {why}; the stored snapshot opens"])
        raise WebError(f"not fetched: {why}, and a page that cannot be stored is not opened")
    try:
        page = fetch(key, settings, progress)
    except FetchError as error:
        raise WebError(str(error)) from None
    src = _article(page, known)
    return _store(store, page, src, known)


def _article(page: Fetched, known: StoredArticle | None) -> SourceArticle:
    """The extracted article (raises WebError: nothing is stored yet)."""
    from reader.text.html import HtmlError, extract_html

    try:
        if page.charset:
            html = normalize_newlines(page.body.decode(page.charset, errors="replace"))
        else:
            html = decode_bytes(page.body)
    except TextError as error:
        raise WebError(f"{error} (not a web page)") from None
    try:
        found = extract_html(html, url=page.final_url)
    except HtmlError as error:
        raise WebError(str(error)) from None
    text = sanitize(normalize_newlines(found.text))
    if not text.strip():
        raise WebError("no text found in the page")
    meta: dict[str, Any] = {"format": "html"}
    meta.update({name: clean_line(value) for name, value in found.fields().items()})
    if found.url:
        meta["canonical_url"] = clean_line(found.url)
    title = " ".join(clean_line(found.title).split()) or clean_line(page.final_url)
    return SourceArticle(
        title=title,
        text=text,
        source=known.source if known is not None else page.url,
        url=clean_line(page.final_url),
        date=clean_line(found.date),
        meta=meta,
    )


def _entry(page: Fetched, digest: str) -> dict[str, Any]:
    return {
        "url": page.url,
        "final_url": page.final_url,
        "status": page.status,
        "retrieved": page.retrieved,
        "content_hash": digest,
        "content_type": page.content_type,
        "charset": page.charset,
        "redirects": page.redirects,
        "snapshot": "snapshots/" + digest.removeprefix("sha256:") + ".gz",
    }


def _web_of(record: StoredArticle | None) -> dict[str, Any]:
    web = (record.meta or {}).get("web") if record is not None else None
    return dict(web) if isinstance(web, dict) else {}


def _merged(old_web: dict[str, Any], entry: dict[str, Any], page: Fetched) -> dict[str, Any]:
    """`entry` as the current snapshot; the old current one joins the history when it differs;
    every URL that led to the page is remembered (to find the article again)."""
    history = [h for h in old_web.get("history") or [] if isinstance(h, dict)]
    old_current = {k: v for k, v in old_web.items() if k not in ("history", "urls")}
    if old_current.get("content_hash") and old_current["content_hash"] != entry["content_hash"]:
        history.append(old_current)
    urls = [u for u in old_web.get("urls") or [] if isinstance(u, str)]
    for url in (page.url, *(str(hop["to"]) for hop in page.redirects), page.final_url):
        if url not in urls:
            urls.append(url)
    return {**entry, "history": history, "urls": urls}


def _store(store: Store, page: Fetched, src: SourceArticle,
           known: StoredArticle | None) -> WebResult:
    try:
        digest, new_file = write_snapshot(store.root, page.body)
    except (OSError, SnapshotError) as error:
        raise WebError(f"cannot store the snapshot ({error}); nothing stored") from None
    entry = _entry(page, digest)
    old_web = _web_of(known)
    old_current = {k: v for k, v in old_web.items() if k not in ("history", "urls")}
    changed = known is not None and old_current.get("content_hash") != digest
    src.meta["web"] = _merged(old_web, entry, page)
    messages: list[str] = []
    try:
        result = store.add_article(src)
        record = result.article
        if not result.created and not result.text_changed:
            # the same text: this page again (its bytes or only the fetch changed), or
            # another page or file with the same text: keep that record's snapshots too
            meta = dict(record.meta or {})
            if known is not None:
                meta.update(src.meta)
            else:
                meta["web"] = _merged(_web_of(record), entry, page)
            record = store.update_article(record.id, meta=meta, url=record.url or src.url)
    except (StoreError, OSError) as error:
        if new_file:
            remove_snapshot(store.root, digest)
        raise WebError(f"cannot store the article ({error}); nothing stored") from None
    if known is not None:
        since = old_current.get("retrieved", "the last fetch")
        if not changed:
            messages.append(f"the page has not changed since {since}")
        elif result.text_changed:
            messages.append(
                f"the page changed since {since}: new snapshot {digest[7:19]}, old one kept; "
                f"{plural(result.reanchored, 'claim')} re-anchored, {result.orphaned} orphaned"
            )
        else:
            messages.append(f"the page changed since {since} (new snapshot {digest[7:19]}, "
                            "old one kept), its main text did not")
    return WebResult(record, fetched=True, messages=messages)
