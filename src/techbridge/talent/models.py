"""Researcher profiles, achievements (papers, patents, projects, 科技成果) and teams."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from techbridge.refdata.models import Degree, TitleLevel


class Researcher(models.Model):
    class Availability(models.TextChoices):
        AVAILABLE = "available", _("Available")
        LIMITED = "limited", _("Limited")
        UNAVAILABLE = "unavailable", _("Unavailable")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="researcher",
    )
    name = models.CharField(_("full name"), max_length=50)
    unit = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="researchers",
    )
    department = models.CharField(_("department"), max_length=100, blank=True)
    title = models.CharField(
        _("professional title"), max_length=50, blank=True, help_text=_("e.g. 教授, 研究员")
    )
    title_level = models.CharField(
        _("title level"), max_length=20, choices=TitleLevel.choices, default=TitleLevel.NONE
    )
    degree = models.CharField(_("degree"), max_length=20, choices=Degree.choices, blank=True)
    disciplines = models.ManyToManyField(
        "refdata.Discipline", verbose_name=_("disciplines"), blank=True, related_name="researchers"
    )
    industries = models.ManyToManyField(
        "refdata.Industry",
        verbose_name=_("industries served"),
        blank=True,
        related_name="researchers",
    )
    keywords = models.JSONField(_("research keywords"), default=list, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    region = models.ForeignKey(
        "refdata.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    availability = models.CharField(
        _("availability"),
        max_length=20,
        choices=Availability.choices,
        default=Availability.AVAILABLE,
        db_index=True,
    )
    capacity = models.PositiveSmallIntegerField(
        _("enterprises served at once"),
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(20)],
    )
    has_integrity_record = models.BooleanField(
        _("has a research-integrity record"),
        default=False,
        help_text=_(
            "Set when a research-misconduct record exists; such researchers are not eligible."
        ),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("researcher")
        verbose_name_plural = _("researchers")

    def __str__(self) -> str:
        return self.name


class Achievement(models.Model):
    class Kind(models.TextChoices):
        PAPER = "paper", _("Paper")
        PATENT = "patent", _("Patent")
        PROJECT = "project", _("Project")
        RESULT = "result", _("Scientific achievement (科技成果)")
        AWARD = "award", _("Award")

    researcher = models.ForeignKey(
        Researcher,
        verbose_name=_("researcher"),
        on_delete=models.CASCADE,
        related_name="achievements",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    abstract = models.TextField(_("abstract"), blank=True)
    reference = models.CharField(
        _("reference"),
        max_length=200,
        blank=True,
        help_text=_("Journal, patent number or project number."),
    )

    class Meta:
        ordering = ["-year", "id"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")

    def __str__(self) -> str:
        return self.title


class Team(models.Model):
    """An innovation team (创新团队): researchers who serve enterprises together."""

    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(
        "orgs.Organisation", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="teams"
    )
    leader = models.ForeignKey(
        Researcher,
        verbose_name=_("leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )
    members = models.ManyToManyField(
        Researcher, verbose_name=_("members"), blank=True, related_name="teams"
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class EnterpriseRelation(models.Model):
    """A relation a researcher declared with an enterprise (利益关联申报). It is a conflict of
    interest: the researcher is not recommended for that enterprise's demands."""

    class Kind(models.TextChoices):
        SHAREHOLDING = "shareholding", _("Shareholding or investment")
        EMPLOYMENT = "employment", _("Part-time job or post held")
        FORMER_EMPLOYER = "former_employer", _("Worked there in the last three years")
        FAMILY = "family", _("Family relation")
        CONTRACT = "contract", _("Contract or project cooperation in progress")
        OTHER = "other", _("Other")

    researcher = models.ForeignKey(
        Researcher,
        verbose_name=_("researcher"),
        on_delete=models.CASCADE,
        related_name="enterprise_relations",
    )
    enterprise = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="researcher_relations",
        limit_choices_to={"kind": "enterprise"},
    )
    kind = models.CharField(_("kind of relation"), max_length=20, choices=Kind.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    declared_at = models.DateTimeField(_("declared"), auto_now_add=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["declared_at", "id"]
        verbose_name = _("declared relation with an enterprise")
        verbose_name_plural = _("declared relations with enterprises")
        constraints = [
            models.UniqueConstraint(
                fields=["researcher", "enterprise", "kind"], name="unique_enterprise_relation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.researcher} — {self.enterprise} ({self.get_kind_display()})"


class JoinRequest(models.Model):
    """A researcher joining the platform through their unit: invited by the unit's
    administrator (``INVITED``: the researcher completes the account from a one-time e-mailed
    link) or registered by the researcher (``SELF``: the unit confirms or rejects with a
    reason). The account exists from the start, inactive until the request is confirmed; on
    confirmation it is active and linked to a new profile in the unit."""

    class Kind(models.TextChoices):
        INVITED = "invited", _("Invited by the unit")
        SELF = "self", _("Registered by the researcher")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    unit = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="join_requests",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="join_request",
    )
    name = models.CharField(_("full name"), max_length=50)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    title = models.CharField(_("professional title"), max_length=50, blank=True)
    reason = models.TextField(_("reason for rejection"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")

    def __str__(self) -> str:
        return f"{self.name} → {self.unit}"
