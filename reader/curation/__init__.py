"""Adjudication: an article's disagreements between annotators, decided into a gold layer.

No Textual, no spaCy: `items.py` finds the disagreements with agreement's one-to-one matching,
`curate.py` applies decisions (and the automatic merges) through the store, `settings.py`
reads `[curation]` from reader.toml. The app's curation mode (`screens/curation.py`) drives it.
"""
