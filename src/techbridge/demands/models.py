"""A technical demand and the researchers granted access to its protected details.

Public fields (title, summary, industry, disciplines, region, cooperation mode, status, deadline)
are what anyone may see of a published demand. Protected fields (description, expected outcome,
keywords, budget, contact) follow the confidentiality level; see ``demands.selectors``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

PROTECTED_FIELDS = (
    "description",
    "expected_outcome",
    "keywords",
    "budget_min",
    "budget_max",
    "contact_name",
    "contact_phone",
)


class Demand(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    class Confidentiality(models.TextChoices):
        PUBLIC = "public", _("Public")
        INVITED = "invited", _("Details only to invited researchers")
        CONFIDENTIAL = "confidential", _("Confidential (administrators only)")

    class CooperationMode(models.TextChoices):
        CONSULTING = "consulting", _("Technical consulting")
        DIAGNOSIS = "diagnosis", _("Technical diagnosis")
        JOINT_RD = "joint_rd", _("Joint R&D")
        TRANSFER = "transfer", _("Technology transfer")
        LICENSING = "licensing", _("Licensing")
        DISPATCH = "dispatch", _("Commissioner dispatch")

    enterprise = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="demands",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(
        _("public summary"),
        max_length=500,
        blank=True,
        help_text=_("Shown to everyone, whatever the confidentiality level."),
    )
    description = models.TextField(_("description"))
    expected_outcome = models.TextField(_("expected outcome"), blank=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    industry = models.ForeignKey(
        "refdata.Industry", verbose_name=_("industry"), on_delete=models.PROTECT, related_name="+"
    )
    disciplines = models.ManyToManyField(
        "refdata.Discipline", verbose_name=_("technical fields"), blank=True, related_name="demands"
    )
    cooperation_mode = models.CharField(
        _("cooperation mode"), max_length=20, choices=CooperationMode.choices
    )
    budget_min = models.DecimalField(
        _("budget from (10k yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    budget_max = models.DecimalField(
        _("budget to (10k yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    region = models.ForeignKey(
        "refdata.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=20,
        choices=Confidentiality.choices,
        default=Confidentiality.PUBLIC,
        db_index=True,
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("technology manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_demands",
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget_min__isnull=True)
                | models.Q(budget_max__isnull=True)
                | models.Q(budget_min__lte=models.F("budget_max")),
                name="demand_budget_range_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.title


class DemandAccess(models.Model):
    """A researcher invited to see an ``invited`` demand's details, after accepting the NDA."""

    demand = models.ForeignKey(
        Demand, verbose_name=_("demand"), on_delete=models.CASCADE, related_name="accesses"
    )
    researcher = models.ForeignKey(
        "talent.Researcher",
        verbose_name=_("researcher"),
        on_delete=models.CASCADE,
        related_name="demand_accesses",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)
    nda_accepted_at = models.DateTimeField(_("NDA accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("demand access")
        verbose_name_plural = _("demand accesses")
        constraints = [
            models.UniqueConstraint(fields=["demand", "researcher"], name="unique_demand_access")
        ]

    def __str__(self) -> str:
        return f"{self.researcher} → {self.demand}"
