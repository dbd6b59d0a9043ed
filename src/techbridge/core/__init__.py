"""Cross-cutting pieces: domain errors, the home page, pagination and the base templates."""
