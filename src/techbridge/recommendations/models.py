"""The shared state of the matching indexes: one generation counter per pool.

Every process keeps its own in-memory engine (``recommendations.services``). A change to a
profile or a published demand bumps the pool's generation here, in the database every process
reads, so a web process notices a change made by a worker (or another web process) before its
next query and refreshes its engine.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexState(models.Model):
    class Pool(models.TextChoices):
        RESEARCHERS = "researchers", _("Researchers")
        DEMANDS = "demands", _("Published demands")

    pool = models.CharField(_("pool"), max_length=20, choices=Pool.choices, primary_key=True)
    generation = models.PositiveBigIntegerField(_("generation"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("matching index state")
        verbose_name_plural = _("matching index states")

    def __str__(self) -> str:
        return f"{self.pool} #{self.generation}"
