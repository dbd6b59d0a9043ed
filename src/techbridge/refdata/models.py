"""Code tables from national standards; loaded by a data migration, read-only afterwards."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CodeTable(models.Model):
    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Region(CodeTable):
    """An administrative division from GB/T 2260: level 1 = province, 2 = prefecture-level city,
    3 = county-level division (district, county, county-level city). A county's first four
    digits are its city's, so the code-prefix rules of ``refdata.codes`` cover it; the few
    counties without a city (directly administered by their province) hang under the province."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        CITY = 2, _("Prefecture-level city")
        COUNTY = 3, _("County-level division")

    class Meta(CodeTable.Meta):
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    @property
    def province(self) -> Region:
        region = self
        while region.level != self.Level.PROVINCE and isinstance(region.parent, Region):
            region = region.parent
        return region

    @property
    def city_code(self) -> str | None:
        """The code of the city this region lies in (itself for a city), None for a province."""
        if self.level == self.Level.PROVINCE:
            return None
        return self.code[:4] + "00"

    @property
    def province_code(self) -> str:
        return self.code[:2] + "0000"

    @property
    def full_name(self) -> str:
        parent = self.parent
        # A municipality's city-level row carries the municipality's own name (北京市). A county
        # is named after its city (青岛市市南区), one level up, so lists that select the region's
        # parent need no further query.
        if self.level == self.Level.PROVINCE or parent is None or parent.name == self.name:
            return self.name
        return f"{parent.name}{self.name}"


class Industry(CodeTable):
    """GB/T 4754-2017 national economy industry classification: level 1 = 门类, 2 = 大类."""

    class Meta(CodeTable.Meta):
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Discipline(CodeTable):
    """GB/T 13745-2009 classification and code of disciplines: level 1 = 一级学科."""

    class Meta(CodeTable.Meta):
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class TitleLevel(models.TextChoices):
    """Professional title levels (专业技术职务等级)."""

    SENIOR_FULL = "senior_full", _("Full senior (正高级)")
    SENIOR_DEPUTY = "senior_deputy", _("Deputy senior (副高级)")
    INTERMEDIATE = "intermediate", _("Intermediate (中级)")
    JUNIOR = "junior", _("Junior (初级)")
    NONE = "none", _("None")


class Degree(models.TextChoices):
    """Academic degrees (学位)."""

    DOCTORATE = "doctorate", _("Doctorate")
    MASTER = "master", _("Master")
    BACHELOR = "bachelor", _("Bachelor")
    OTHER = "other", _("Other")
