"""A record of each import run, so a unit can see what it loaded and what was refused."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One uploaded file and its outcome.

    ``errors`` holds one ``{"row", "column", "message"}`` dict per problem; ``row`` is the row
    number as the spreadsheet shows it (the header is row 1). A dry run validates every row and
    saves none, but its run is kept so that its error report can be read and downloaded.
    """

    class Kind(models.TextChoices):
        RESEARCHERS = "researchers", _("Researchers")
        DEMANDS = "demands", _("Demands")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("imported into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The unit that receives the researchers or the enterprise of the demands."),
    )
    is_dry_run = models.BooleanField(_("dry run"), default=False)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    saved_rows = models.PositiveIntegerField(_("saved"), default=0)
    failed_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file_name}"

    @property
    def valid_rows(self) -> int:
        """Rows that passed validation: saved ones, or in a dry run the ones that would be."""
        return self.total_rows - self.failed_rows
