"""The demo data set: a realistic Chinese programme built from structured vocabularies."""
