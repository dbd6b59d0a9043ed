"""Bulk import of researchers and demands from xlsx and csv, with row-level error reports."""
