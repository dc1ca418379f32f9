"""Web pages: fetching (`fetch.py`), the `[web]` settings (`settings.py`), raw snapshots kept
in the store (`snapshots.py`), and opening or refreshing a URL as an article (`page.py`).
No Textual here; the app runs `page.open_url` in a worker thread."""
