"""Chinese full-text search that works the same on SQLite and PostgreSQL.

Texts are normalised and tokenised with jieba; the tokens go into an inverted index table
(``SearchTerm``) that queries join against. No SQL ``LIKE`` over raw text.
"""
