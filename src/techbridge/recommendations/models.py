"""The log of changes to the matching pools, which every process applies to its own engine.

Every process keeps its own in-memory engine (``recommendations.services``). A change to a
profile or a demand is recorded here, in the database every process reads, by a background task
once the change is committed; before its next query each process applies the changes it has not
seen yet (one indexed read when there are none).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexChange(models.Model):
    class Pool(models.TextChoices):
        RESEARCHERS = "researchers", _("Researchers")
        DEMANDS = "demands", _("Published demands")

    pool = models.CharField(_("pool"), max_length=20, choices=Pool.choices)
    object_id = models.PositiveBigIntegerField(_("object id"))
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("matching index change")
        verbose_name_plural = _("matching index changes")
        indexes = [models.Index(fields=["pool", "id"], name="index_change_pool_id")]

    def __str__(self) -> str:
        return f"{self.pool} {self.object_id}"
