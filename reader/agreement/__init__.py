"""Inter-annotator agreement: span matching, chance-corrected coefficients, the report.

Pure Python over plain records (no Textual, no spaCy, no store): `reader agree` and the app's
Agreement screen both build their figures here.
"""
