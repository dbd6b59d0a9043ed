"""Text normalisation and Chinese/English tokenisation for the web search and imports.

The functions live in :mod:`techbridge.matching.text` (shared with the matching engine, which
imports nothing from Django); this module keeps the names the search code has always used.
"""

from __future__ import annotations

from techbridge.matching.text import STOP_WORDS, add_words, normalise, query_terms, tokenise

__all__ = ["STOP_WORDS", "add_words", "normalise", "query_terms", "tokenise"]
