"""Forms of the talent pool pages: they parse and validate input, the services decide.

Each editing form turns its cleaned data into the ``data`` dict that
``talent.services.create_researcher`` / ``update_researcher`` / ``add_achievement`` take; the
views put a service's ``TechBridgeError`` back on its field with ``core.forms.add_service_error``.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.models import Role, User
from techbridge.orgs.forms import (
    CodeChoiceField,
    CodeMultipleChoiceField,
    discipline_choices,
    industry_choices,
    region_choices,
    with_blank,
)
from techbridge.orgs.models import Organisation
from techbridge.refdata.models import Discipline, Industry, Region, TitleLevel
from techbridge.talent.models import Achievement, EnterpriseRelation, Researcher
from techbridge.talent.selectors import ResearcherFilters

ANY_LABEL = _("Any")
ANY = [("", ANY_LABEL)]


def unit_choices() -> list[tuple[str, Any]]:
    units = Organisation.objects.filter(kind=Organisation.Kind.UNIT).order_by("name")
    return ANY + [(str(u.pk), u.name) for u in units]


class ResearcherFilterForm(forms.Form):
    """The search box and filters above the researcher list (a GET form)."""

    q = forms.CharField(
        label=_("Search"), required=False, max_length=200, widget=forms.SearchInput()
    )
    discipline = forms.ChoiceField(label=_("Discipline"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    title_level = forms.ChoiceField(
        label=_("Title level"), required=False, choices=ANY + list(TitleLevel.choices)
    )
    availability = forms.ChoiceField(
        label=_("Availability"),
        required=False,
        choices=ANY + list(Researcher.Availability.choices),
    )
    unit = forms.ChoiceField(label=_("Unit"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Name, keyword, paper or patent title")}
        )
        cast(forms.ChoiceField, self.fields["discipline"]).choices = with_blank(
            discipline_choices(), ANY_LABEL
        )
        cast(forms.ChoiceField, self.fields["industry"]).choices = with_blank(
            industry_choices(sections_selectable=True), ANY_LABEL
        )
        cast(forms.ChoiceField, self.fields["region"]).choices = with_blank(
            region_choices(provinces_selectable=True), ANY_LABEL
        )
        cast(forms.ChoiceField, self.fields["unit"]).choices = unit_choices()

    def filters(self) -> ResearcherFilters:
        """The valid part of the query; an invalid filter value is ignored, not an error page."""
        self.is_valid()
        data = self.cleaned_data
        unit = data.get("unit")
        return ResearcherFilters(
            q=data.get("q", "").strip(),
            discipline=data.get("discipline", ""),
            industry=data.get("industry", ""),
            region=data.get("region", ""),
            title_level=data.get("title_level", ""),
            availability=data.get("availability", ""),
            unit=int(unit) if unit else None,
        )


def _model_field(name: str, **kwargs: Any) -> forms.Field:
    # Only concrete, editable fields are named here, and they always have a form field.
    field = cast("models.Field[Any, Any]", Researcher._meta.get_field(name))
    return cast(forms.Field, field.formfield(**kwargs))


class ResearcherForm(forms.Form):
    """Create or edit a profile. ``unit`` appears when the user may choose among several units,
    ``has_integrity_record`` only for those who may record it."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Organisation.objects.none())
    name = _model_field("name")
    department = _model_field("department")
    title = _model_field("title")
    title_level = _model_field("title_level")
    degree = _model_field("degree")
    disciplines = CodeMultipleChoiceField(
        model=Discipline,
        label=_("Disciplines"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("GB/T 13745 first-level disciplines; hold Ctrl to choose several."),
    )
    industries = CodeMultipleChoiceField(
        model=Industry,
        label=_("Industries served"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("GB/T 4754 industry divisions; hold Ctrl to choose several."),
    )
    keywords = forms.CharField(
        label=_("Research keywords"),
        required=False,
        max_length=1000,
        help_text=_("Separate keywords with commas, at most 30."),
    )
    summary = _model_field("summary", widget=forms.Textarea(attrs={"rows": 5}))
    region = CodeChoiceField(
        model=Region,
        label=_("Region"),
        required=False,
        help_text=_("Leave empty to use the region of the unit."),
    )
    availability = _model_field("availability")
    capacity = forms.IntegerField(
        label=_("Enterprises served at once"), min_value=0, max_value=20, initial=2
    )
    email = _model_field("email")
    phone = _model_field("phone", widget=forms.TelInput())
    has_integrity_record = _model_field("has_integrity_record")

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Organisation] | None = None,
        may_record_integrity: bool = False,
        researcher: Researcher | None = None,
        **kwargs: Any,
    ) -> None:
        if researcher is not None:
            kwargs.setdefault("initial", self.initial_for(researcher))
        super().__init__(*args, **kwargs)
        cast(CodeMultipleChoiceField, self.fields["disciplines"]).choices = discipline_choices()
        cast(CodeMultipleChoiceField, self.fields["industries"]).choices = industry_choices()
        cast(CodeChoiceField, self.fields["region"]).choices = with_blank(
            region_choices(provinces_selectable=True)
        )
        if units is None or units.count() <= 1:
            del self.fields["unit"]
        else:
            cast("forms.ModelChoiceField[Organisation]", self.fields["unit"]).queryset = units
        if not may_record_integrity:
            del self.fields["has_integrity_record"]

    @staticmethod
    def initial_for(researcher: Researcher) -> dict[str, Any]:
        return {
            **{
                field: getattr(researcher, field)
                for field in (
                    "name",
                    "department",
                    "title",
                    "title_level",
                    "degree",
                    "summary",
                    "availability",
                    "capacity",
                    "email",
                    "phone",
                    "has_integrity_record",
                )
            },
            "region": researcher.region_id,
            "keywords": ", ".join(researcher.keywords or []),
            "disciplines": [d.code for d in researcher.disciplines.all()],
            "industries": [i.code for i in researcher.industries.all()],
        }

    def service_data(self) -> dict[str, Any]:
        """The profile fields for the service; ``unit`` is passed separately."""
        data = {k: v for k, v in self.cleaned_data.items() if k != "unit"}
        if data.get("region") is None:
            data.pop("region", None)
        if data.get("degree") is None:
            data["degree"] = ""
        return data


class AchievementForm(forms.ModelForm):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1900, max_value=2100)

    class Meta:
        model = Achievement
        fields = ["kind", "title", "year", "reference", "abstract"]
        widgets = {"abstract": forms.Textarea(attrs={"rows": 3})}

    def service_data(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in self.Meta.fields}


class EnterpriseRelationForm(forms.Form):
    """Declare a relation with an enterprise (利益关联申报); ``talent.services.declare_relation``
    checks the rest."""

    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.ENTERPRISE).order_by("name"),
    )
    kind = forms.ChoiceField(label=_("Kind of relation"), choices=EnterpriseRelation.Kind.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def service_data(self) -> dict[str, Any]:
        return {field: self.cleaned_data[field] for field in ("enterprise", "kind", "note")}


class LinkAccountForm(forms.Form):
    """Choose the researcher account of the unit that may edit this profile."""

    user = forms.ModelChoiceField(
        label=_("Researcher account"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No account"),
    )

    def __init__(self, *args: Any, researcher: Researcher, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"user": researcher.user_id})
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[User]", self.fields["user"]).queryset = User.objects.filter(
            role=Role.RESEARCHER, organisation_id=researcher.unit_id, is_active=True
        ).order_by("username")


class TeamFilterForm(forms.Form):
    q = forms.CharField(label=_("Team name"), required=False, max_length=100)
    unit = forms.ChoiceField(label=_("Unit"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["unit"]).choices = unit_choices()

    def apply(self, teams: QuerySet[Any]) -> QuerySet[Any]:
        self.is_valid()
        if q := self.cleaned_data.get("q", "").strip():
            teams = teams.filter(name__icontains=q)
        if unit := self.cleaned_data.get("unit"):
            teams = teams.filter(unit_id=int(unit))
        return teams


class TeamForm(forms.Form):
    """Create or edit a team; members and leader are chosen among the unit's researchers."""

    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Organisation.objects.none())
    name = forms.CharField(label=_("Name"), max_length=100)
    leader = forms.ModelChoiceField(
        label=_("Leader"), queryset=Researcher.objects.none(), required=False
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=Researcher.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text=_("The leader is always a member."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Organisation],
        unit: Organisation | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if unit is not None:
            del self.fields["unit"]
            people = Researcher.objects.filter(unit=unit)
        else:
            # A superuser creating a team chooses the unit; members must then belong to it.
            cast("forms.ModelChoiceField[Organisation]", self.fields["unit"]).queryset = units
            people = Researcher.objects.filter(unit__in=units)
        cast("forms.ModelChoiceField[Researcher]", self.fields["leader"]).queryset = people
        cast("forms.ModelMultipleChoiceField[Researcher]", self.fields["members"]).queryset = people

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        unit = data.get("unit")
        if unit is not None:
            strangers = [
                m
                for m in [*data.get("members", []), data.get("leader")]
                if m is not None and m.unit_id != unit.pk
            ]
            if strangers:
                raise forms.ValidationError(
                    _("Members must belong to the team's unit: %(names)s"),
                    params={"names": ", ".join(m.name for m in strangers)},
                )
        return data
