"""The inverted index: one row per (document, term)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchTerm(models.Model):
    class Kind(models.TextChoices):
        DEMAND = "demand", _("Demand")
        RESEARCHER = "researcher", _("Researcher")
        ORGANISATION = "organisation", _("Organisation")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.BigIntegerField()
    term = models.CharField(max_length=64)
    weight = models.FloatField(default=1.0)
    # False for terms that come from protected fields: only entitled users may match on them.
    is_public = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        indexes = [
            models.Index(fields=["kind", "term", "is_public"], name="search_term_lookup"),
            models.Index(fields=["kind", "object_id"], name="search_term_object"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}#{self.object_id}:{self.term}"
