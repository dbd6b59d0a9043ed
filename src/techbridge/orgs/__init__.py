"""Organisations: enterprises, dispatching units (universities, institutes), science bureaus and
technology-transfer agencies."""
