"""A dispatch round (批次) of enterprise commissioners (企业科技特派员) and its applications.

The seven-step procedure of the source documents is carried by three objects, each with its own
``state`` driven only by ``dispatch.services.transition`` through the table in
``dispatch.workflow``:

* ``EnterpriseApplication``: an enterprise applies to host a commissioner with its demand form;
  the city bureau reviews it, the province sends it to the units.
* ``CommissionerApplication``: a researcher applies to one enterprise application with an
  information form; their unit approves; the two-way selection selects or not.
* ``Dispatch``: one selected pairing of enterprise and commissioner, from the meeting (洽谈会)
  through filing, publication (``gongshi`` = 公示, a public notice period in which objections
  may be lodged) and the three-party agreement to service.

Every change of state is kept as a ``Transition`` row: the timeline shown on each page.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Phase(models.TextChoices):
    """The phases of a round, in order; each has an opening and a closing date on the round."""

    ENTERPRISE_APPLICATIONS = "enterprise_applications", _("Enterprise applications")
    CITY_REVIEW = "city_review", _("City review")
    RESEARCHER_APPLICATIONS = "researcher_applications", _("Researcher applications")
    SELECTION = "selection", _("Two-way selection")
    MEETINGS = "meetings", _("Meetings")
    PUBLICATION = "publication", _("Filing and publication")


class Round(models.Model):
    """A round (批次) run by a provincial administrator for a province or one city."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        "refdata.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The province or city whose enterprises may apply."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    enterprise_applications_opens = models.DateField(_("enterprise applications open"))
    enterprise_applications_closes = models.DateField(_("enterprise applications close"))
    city_review_opens = models.DateField(_("city review opens"))
    city_review_closes = models.DateField(_("city review closes"))
    researcher_applications_opens = models.DateField(_("researcher applications open"))
    researcher_applications_closes = models.DateField(_("researcher applications close"))
    selection_opens = models.DateField(_("selection opens"))
    selection_closes = models.DateField(_("selection closes"))
    meetings_opens = models.DateField(_("meetings open"))
    meetings_closes = models.DateField(_("meetings close"))
    publication_opens = models.DateField(_("filing and publication open"))
    publication_closes = models.DateField(_("filing and publication close"))
    publication_days = models.PositiveSmallIntegerField(
        _("publication period (days)"),
        default=5,
        help_text=_("How long the public notice of the selected commissioners lasts."),
    )
    enforce_phases = models.BooleanField(
        _("enforce phase dates"),
        default=True,
        help_text=_("When off, every step is allowed whatever the date (demonstrations, tests)."),
    )
    max_enterprises_per_city = models.PositiveIntegerField(
        _("enterprises per city (at most)"), null=True, blank=True
    )
    max_commissioners_per_unit = models.PositiveIntegerField(
        _("commissioners per unit (at most)"), null=True, blank=True
    )
    commissioners_per_enterprise = models.PositiveSmallIntegerField(
        _("commissioners per enterprise (k)"), default=1
    )
    enterprises_per_commissioner = models.PositiveSmallIntegerField(
        _("enterprises per commissioner (m)"), default=1
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commissioners_per_enterprise__gte=1)
                & models.Q(enterprises_per_commissioner__gte=1),
                name="round_pair_quotas_positive",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def window(self, phase: str) -> tuple[datetime.date, datetime.date]:
        return getattr(self, f"{phase}_opens"), getattr(self, f"{phase}_closes")

    def is_in_phase(self, phase: str, day: datetime.date) -> bool:
        opens, closes = self.window(phase)
        return opens <= day <= closes

    def current_phases(self, day: datetime.date) -> list[str]:
        """The phases whose window contains ``day`` (windows may overlap)."""
        return [phase for phase in Phase.values if self.is_in_phase(phase, day)]


class EligibilityRule(models.Model):
    """One eligibility condition of a round, switched on or off, with its thresholds."""

    class Subject(models.TextChoices):
        COMMISSIONER = "commissioner", _("Commissioner")
        ENTERPRISE = "enterprise", _("Host enterprise")

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="rules"
    )
    code = models.CharField(_("rule"), max_length=50)
    subject = models.CharField(_("applies to"), max_length=20, choices=Subject.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    params = models.JSONField(_("thresholds"), default=dict, blank=True)

    class Meta:
        ordering = ["round", "subject", "id"]
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        constraints = [
            models.UniqueConstraint(fields=["round", "code"], name="unique_rule_per_round")
        ]

    def __str__(self) -> str:
        return self.code


class EnterpriseApplication(models.Model):
    """An enterprise's application to host a commissioner (拟派驻企业基本情况和技术需求表)."""

    KIND = "enterprise_application"

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted to the city bureau")
        RETURNED = "returned", _("Returned for changes")
        APPROVED = "approved", _("Approved by the city bureau")
        REJECTED = "rejected", _("Rejected")
        DISPATCHED = "dispatched", _("Sent to the units")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    round = models.ForeignKey(
        Round,
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        related_name="enterprise_applications",
    )
    enterprise = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="dispatch_applications",
    )
    demand = models.ForeignKey(
        "demands.Demand",
        verbose_name=_("technical demand"),
        on_delete=models.PROTECT,
        related_name="dispatch_applications",
    )
    contact = models.ForeignKey(
        "contacts.Contact",
        verbose_name=_("started from contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dispatch_applications",
        help_text=_("The accepted invitation or expression of interest this application follows."),
    )
    conditions_committed = models.BooleanField(
        _("working conditions committed"),
        default=False,
        help_text=_(
            "The enterprise provides the commissioner a post with clear duties and the working "
            "and research conditions they need."
        ),
    )
    conditions = models.TextField(_("post and working conditions offered"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed by the city bureau"), null=True, blank=True)
    review_comment = models.TextField(_("city bureau opinion"), blank=True)
    dispatched_at = models.DateTimeField(_("sent to the units"), null=True, blank=True)
    target_units = models.ManyToManyField(
        "orgs.Organisation",
        verbose_name=_("units it is sent to"),
        blank=True,
        related_name="targeted_applications",
        limit_choices_to={"kind": "unit"},
        help_text=_(
            "The units whose researchers may apply: those whose researchers the matching engine "
            "ranks highest for the demand, as the province confirmed or edited them."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("enterprise application")
        verbose_name_plural = _("enterprise applications")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "enterprise"], name="one_enterprise_application_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.round}"

    def get_absolute_url(self) -> str:
        return reverse("dispatch:enterprise_application", args=[self.pk])


class CommissionerApplication(models.Model):
    """A researcher's application to serve one enterprise (拟派出科研人员基本情况表)."""

    KIND = "commissioner_application"

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted to the unit")
        UNIT_APPROVED = "unit_approved", _("Approved by the unit")
        UNIT_REJECTED = "unit_rejected", _("Rejected by the unit")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not_selected", _("Not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    round = models.ForeignKey(
        Round,
        verbose_name=_("round"),
        on_delete=models.PROTECT,
        related_name="commissioner_applications",
    )
    researcher = models.ForeignKey(
        "talent.Researcher",
        verbose_name=_("researcher"),
        on_delete=models.PROTECT,
        related_name="dispatch_applications",
    )
    enterprise_application = models.ForeignKey(
        EnterpriseApplication,
        verbose_name=_("enterprise application"),
        on_delete=models.PROTECT,
        related_name="commissioner_applications",
    )
    statement = models.TextField(_("personal statement"), blank=True)
    plan = models.TextField(_("service plan"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    unit_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by (unit)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unit_reviewed_at = models.DateTimeField(_("reviewed by the unit"), null=True, blank=True)
    unit_comment = models.TextField(_("unit opinion"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("commissioner application")
        verbose_name_plural = _("commissioner applications")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise_application", "researcher"],
                name="one_commissioner_application_per_enterprise",
            )
        ]

    def __str__(self) -> str:
        return f"{self.researcher} → {self.enterprise_application.enterprise}"

    def get_absolute_url(self) -> str:
        return reverse("dispatch:commissioner_application", args=[self.pk])


class Meeting(models.Model):
    """A meeting (洽谈会) organised by the city bureau between an enterprise and its candidates."""

    class Outcome(models.TextChoices):
        PENDING = "", _("Not held yet")
        AGREED = "agreed", _("Cooperation agreed")
        NOT_AGREED = "not_agreed", _("No agreement")

    enterprise_application = models.ForeignKey(
        EnterpriseApplication,
        verbose_name=_("enterprise application"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    commissioner_applications = models.ManyToManyField(
        CommissionerApplication,
        verbose_name=_("candidates"),
        blank=True,
        related_name="meetings",
    )
    scheduled_at = models.DateTimeField(_("scheduled for"))
    place = models.CharField(_("place"), max_length=200)
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("organiser"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, blank=True, default=""
    )
    notes = models.TextField(_("notes"), blank=True)
    held_at = models.DateTimeField(_("held"), null=True, blank=True)

    class Meta:
        ordering = ["scheduled_at", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.enterprise_application.enterprise} {self.scheduled_at:%Y-%m-%d %H:%M}"


class Dispatch(models.Model):
    """A selected pairing of an enterprise and a commissioner, from meeting to service."""

    KIND = "dispatch"

    class State(models.TextChoices):
        SELECTED = "selected", _("Selected")
        MEETING_SCHEDULED = "meeting_scheduled", _("Meeting scheduled")
        MEETING_HELD = "meeting_held", _("Meeting held")
        INTENTION_CONFIRMED = "intention_confirmed", _("Intention confirmed")
        FILED = "filed", _("Filed with the province")
        IN_PUBLICATION = "in_publication", _("In publication")
        AGREEMENT_PENDING = "agreement_pending", _("Agreement pending")
        IN_SERVICE = "in_service", _("In service")
        CANCELLED = "cancelled", _("Cancelled")

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="dispatches"
    )
    enterprise_application = models.ForeignKey(
        EnterpriseApplication,
        verbose_name=_("enterprise application"),
        on_delete=models.PROTECT,
        related_name="dispatches",
    )
    commissioner_application = models.OneToOneField(
        CommissionerApplication,
        verbose_name=_("commissioner application"),
        on_delete=models.PROTECT,
        related_name="dispatch",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.SELECTED, db_index=True
    )
    selection_method = models.CharField(
        _("selection method"),
        max_length=30,
        blank=True,
        help_text=_("How the pairing was chosen: stable matching, optimum, or an override."),
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dispatches",
    )
    meeting_outcome = models.CharField(
        _("meeting outcome"), max_length=20, choices=Meeting.Outcome.choices, blank=True
    )
    filed_at = models.DateTimeField(_("filed"), null=True, blank=True)
    publication_starts_on = models.DateField(_("publication starts"), null=True, blank=True)
    publication_ends_on = models.DateField(_("publication ends"), null=True, blank=True)
    enterprise_confirmed_at = models.DateTimeField(
        _("agreement confirmed by the enterprise"), null=True, blank=True
    )
    commissioner_confirmed_at = models.DateTimeField(
        _("agreement confirmed by the commissioner"), null=True, blank=True
    )
    unit_confirmed_at = models.DateTimeField(
        _("agreement confirmed by the unit"), null=True, blank=True
    )
    service_started_at = models.DateTimeField(_("service started"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")

    def __str__(self) -> str:
        return (
            f"{self.commissioner_application.researcher} → {self.enterprise_application.enterprise}"
        )

    def get_absolute_url(self) -> str:
        return reverse("dispatch:dispatch", args=[self.pk])

    @property
    def selection_method_label(self) -> str:
        """The selection method in words: a solver's mode, or an override."""
        if self.selection_method == "override":
            return str(_("Override"))
        labels = dict(SelectionRun.Mode.choices)
        return str(labels.get(self.selection_method, self.selection_method))

    @property
    def all_parties_confirmed(self) -> bool:
        return None not in (
            self.enterprise_confirmed_at,
            self.commissioner_confirmed_at,
            self.unit_confirmed_at,
        )


class Objection(models.Model):
    """An objection lodged during publication (公示); it must be resolved before the pairing
    proceeds to the agreement."""

    class Resolution(models.TextChoices):
        OPEN = "", _("Open")
        DISMISSED = "dismissed", _("Dismissed")
        UPHELD = "upheld", _("Upheld")

    dispatch = models.ForeignKey(
        Dispatch, verbose_name=_("dispatch"), on_delete=models.CASCADE, related_name="objections"
    )
    lodged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lodged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact = models.CharField(
        _("contact"),
        max_length=200,
        blank=True,
        help_text=_("How to reach the person who objects, when they are not signed in."),
    )
    reason = models.TextField(_("reason"))
    lodged_at = models.DateTimeField(_("lodged"), auto_now_add=True)
    resolution = models.CharField(
        _("resolution"), max_length=20, choices=Resolution.choices, blank=True, default=""
    )
    resolution_comment = models.TextField(_("resolution comment"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("resolved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["lodged_at", "id"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")

    def __str__(self) -> str:
        return self.reason[:50]

    @property
    def is_open(self) -> bool:
        return self.resolution == self.Resolution.OPEN


class Transition(models.Model):
    """One change of state of an application or dispatch: the timeline."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="transitions"
    )
    object_type = models.CharField(_("object type"), max_length=30)
    object_id = models.PositiveBigIntegerField(_("object id"))
    action = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        indexes = [models.Index(fields=["object_type", "object_id"], name="transition_object")]

    def __str__(self) -> str:
        return f"{self.object_type}#{self.object_id} {self.from_state} → {self.to_state}"


# --- two-way selection (双向选择) ---------------------------------------------------------------


class Preference(models.Model):
    """One party's rank of one candidate pairing in the two-way selection (双向选择).

    A pairing is a commissioner application (a researcher applying to one enterprise
    application), so both sides rank the same rows: ``side="enterprise"`` is the enterprise
    application ranking the researcher who applied to it, ``side="researcher"`` is the researcher
    ranking the enterprise application. Rank 1 is the favourite. ``dispatch.selection`` keeps
    these rows; a candidate a party left unranked follows its ranked ones in the engine's order.
    """

    class Side(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise ranks the researcher")
        RESEARCHER = "researcher", _("Researcher ranks the enterprise")

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="preferences"
    )
    side = models.CharField(_("who ranks"), max_length=20, choices=Side.choices)
    commissioner_application = models.ForeignKey(
        CommissionerApplication,
        verbose_name=_("commissioner application"),
        on_delete=models.CASCADE,
        related_name="preferences",
    )
    rank = models.PositiveIntegerField(_("rank"))
    ranked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ranked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["round", "side", "rank", "id"]
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["side", "commissioner_application"], name="one_preference_per_side"
            ),
            models.CheckConstraint(condition=models.Q(rank__gte=1), name="preference_rank_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.side} #{self.rank}: {self.commissioner_application_id}"


class SelectionRun(models.Model):
    """One computation of the two-way selection of a round by the provincial administrator.

    ``parameters`` holds what the solver was given (k, m, the quota groups, the score source),
    ``result`` the pairs, who stayed unmatched and why, the objective and the statistics.
    A run is a ``draft`` until it is applied (the pairs selected, the other candidates not
    selected); ``fingerprint`` digests the preferences and states it was computed from, so a
    run computed before a change cannot be applied.
    """

    class Mode(models.TextChoices):
        STABLE = "stable", _("Stable matching")
        OPTIMAL = "optimal", _("Highest total score")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPLIED = "applied", _("Applied")

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.CASCADE, related_name="selection_runs"
    )
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("computed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("computed"), auto_now_add=True)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("selection run")
        verbose_name_plural = _("selection runs")

    def __str__(self) -> str:
        return f"{self.round} · {self.get_mode_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("dispatch:selection:run", args=[self.pk])
