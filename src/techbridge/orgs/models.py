"""An organisation is the unit of ownership and visibility: every user belongs to one."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        UNIT = "unit", _("Dispatching unit (university or institute)")
        COUNTY_BUREAU = "county_bureau", _("County science bureau")
        CITY_BUREAU = "city_bureau", _("City science bureau")
        PROVINCE_BUREAU = "province_bureau", _("Provincial science department")
        AGENCY = "agency", _("Technology transfer agency")

    class Size(models.TextChoices):
        MICRO = "micro", _("Micro")
        SMALL = "small", _("Small")
        MEDIUM = "medium", _("Medium")
        LARGE = "large", _("Large")

    class Verification(models.TextChoices):
        PENDING = "pending", _("Waiting for verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(
        "refdata.Region", verbose_name=_("region"), on_delete=models.PROTECT, related_name="+"
    )
    # Enterprise fields (empty for other kinds).
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        db_index=True,
        help_text=_("18 characters, GB 32100; the last one is a check character."),
    )
    registered_on = models.DateField(_("registration date"), null=True, blank=True)
    registered_in_province_on = models.DateField(
        _("registered in the current province since"),
        null=True,
        blank=True,
        help_text=_(
            "When the enterprise came to be registered in the province it is in now; the same as "
            "the registration date unless it moved in from another province (在省内注册满1年)."
        ),
    )
    industry = models.ForeignKey(
        "refdata.Industry",
        verbose_name=_("industry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True)
    is_high_tech = models.BooleanField(_("high-tech enterprise"), default=False)
    is_tech_sme = models.BooleanField(_("technology-based SME"), default=False)
    is_independent_legal_person = models.BooleanField(_("independent legal person"), default=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    authorised_managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("authorised technology managers"),
        blank=True,
        related_name="managed_enterprises",
        help_text=_("Technology managers allowed to act for this enterprise."),
    )
    # Verification (enterprises that registered themselves): the bureau of the region checks the
    # registration before the enterprise may publish. Everything created another way (admin,
    # import, demo data, a bureau or a technology manager) is verified from the start.
    verification_status = models.CharField(
        _("verification"),
        max_length=10,
        choices=Verification.choices,
        default=Verification.VERIFIED,
        db_index=True,
    )
    verification_reason = models.TextField(_("reason for rejection"), blank=True)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted for verification"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="unique_credit_code",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._track_province_since()
        super().save(*args, **kwargs)

    def _track_province_since(self) -> None:
        """Keep ``registered_in_province_on`` true on every write path (forms, API, admin,
        import): a new enterprise has been in its province since its registration; one whose
        region moves to another province has been there since today, unless the same save
        states the date itself (a correction)."""
        if self.pk is None:
            if self.registered_in_province_on is None:
                self.registered_in_province_on = self.registered_on
            return
        before = (
            type(self)
            .objects.filter(pk=self.pk)
            .values_list("region_id", "registered_in_province_on")
            .first()
        )
        if before is None:
            return
        region_before, since_before = before
        moved = str(region_before)[:2] != str(self.region_id)[:2]
        if moved and self.registered_in_province_on in (since_before, None):
            self.registered_in_province_on = timezone.localdate()
        elif self.registered_in_province_on is None:
            self.registered_in_province_on = since_before or self.registered_on

    @property
    def is_enterprise(self) -> bool:
        return self.kind == self.Kind.ENTERPRISE

    @property
    def is_verified(self) -> bool:
        return self.verification_status == self.Verification.VERIFIED
