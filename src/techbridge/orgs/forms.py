"""Forms of the organisation pages, and the reference-data choice fields other forms share.

Forms here check only the shape of the input (types, required fields); the rules (credit code,
registration date, permissions) live in ``orgs.services`` and their errors are mapped back to
the form's fields by the views.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.models import Role, User
from techbridge.orgs.models import Organisation
from techbridge.refdata.codes import region_prefix
from techbridge.refdata.models import Industry, Region
from techbridge.refdata.selectors import Choice, choices_for

Choices = list[tuple[Any, Any]]


def industry_choices(*, sections_selectable: bool = False) -> Choices:
    """GB/T 4754 divisions grouped under their sections; optionally the sections themselves."""
    if not sections_selectable:
        return list(choices_for("industries"))
    divisions = {label: options for label, options in choices_for("industries")}
    return [
        (
            label,
            [
                (code, _("%(section)s (whole section)") % {"section": label}),
                *divisions.get(label, ()),
            ],
        )
        # Sections are a flat list, so every label is a str.
        for code, label in cast("tuple[Choice, ...]", choices_for("industry_sections"))
    ]


def region_choices(*, provinces_selectable: bool = False) -> Choices:
    """GB/T 2260 cities grouped under their provinces; optionally the provinces themselves."""
    if not provinces_selectable:
        return list(choices_for("cities"))
    cities = {label: options for label, options in choices_for("cities")}
    return [
        (
            name,
            [
                (code, _("%(province)s (whole province)") % {"province": name}),
                *cities.get(name, ()),
            ],
        )
        # Provinces are a flat list, so every name is a str.
        for code, name in cast("tuple[Choice, ...]", choices_for("provinces"))
    ]


def keep_county(choices: Choices, *codes: Any) -> Choices:
    """``choices`` (cities) plus the county-level regions among ``codes`` (a registered
    enterprise's 区县, the value a form posts back), so that a form opened on a record in a
    county keeps it instead of showing a blank region."""
    counties = Region.objects.filter(
        level=Region.Level.COUNTY, code__in=[str(c) for c in codes if c]
    ).select_related("parent", "parent__parent")
    return [*choices, *((r.code, r.full_name) for r in counties)]


def discipline_choices() -> Choices:
    return list(choices_for("disciplines"))


def with_blank(choices: Choices, label: Any = "—") -> Choices:
    return [("", label), *choices]


class CodeChoiceField(forms.ChoiceField):
    """A select of reference-data codes (possibly grouped) that cleans to the model row."""

    def __init__(self, *, model: type[Model], **kwargs: Any):
        self.model = model
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        code = super().clean(value)
        if code in self.empty_values:
            return None
        return self.model._default_manager.get(pk=code)


class CodeMultipleChoiceField(forms.MultipleChoiceField):
    def __init__(self, *, model: type[Model], **kwargs: Any):
        self.model = model
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        codes = super().clean(value)
        return list(self.model._default_manager.filter(pk__in=codes))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any):
        super().__init__(format="%Y-%m-%d", **kwargs)


class OrganisationFilterForm(forms.Form):
    """The organisation list's filters; narrows an already permission-filtered queryset."""

    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=with_blank(Organisation.Kind.choices)
    )
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["region"]).choices = with_blank(
            region_choices(provinces_selectable=True)
        )

    def apply(self, queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(name__icontains=data["q"].strip())
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["region"]:
            queryset = queryset.filter(region__code__startswith=region_prefix(data["region"]))
        return queryset


class EnterpriseForm(forms.Form):
    """Registration and editing of an enterprise (fields of ``orgs.services.ENTERPRISE_FIELDS``)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    # No length limit here: the service's validator says precisely what is wrong with a code.
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        help_text=_("18 characters, GB 32100; the last one is a check character."),
    )
    registered_on = forms.DateField(label=_("Registration date"), widget=DateInput())
    registered_in_province_on = forms.DateField(
        label=_("Registered in the current province since"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "Only if the enterprise moved in from another province; moving the region to "
            "another province sets it to today."
        ),
    )
    region = CodeChoiceField(model=Region, label=_("Region"))
    industry = CodeChoiceField(model=Industry, label=_("Industry"))
    size = forms.ChoiceField(
        label=_("Size"), required=False, choices=with_blank(Organisation.Size.choices)
    )
    is_high_tech = forms.BooleanField(label=_("High-tech enterprise"), required=False)
    is_tech_sme = forms.BooleanField(label=_("Technology-based SME"), required=False)
    is_independent_legal_person = forms.BooleanField(
        label=_("Independent legal person"), required=False, initial=True
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=255, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(CodeChoiceField, self.fields["region"]).choices = with_blank(
            keep_county(region_choices(), self.initial.get("region"), self.data.get("region"))
        )
        cast(CodeChoiceField, self.fields["industry"]).choices = with_blank(industry_choices())

    @staticmethod
    def initial_from(organisation: Organisation) -> dict[str, Any]:
        initial = {name: getattr(organisation, name) for name in EnterpriseForm.base_fields}
        initial["region"] = organisation.region_id
        initial["industry"] = organisation.industry_id
        return initial


class AuthoriseManagerForm(forms.Form):
    manager = forms.ModelChoiceField(
        label=_("Technology manager"),
        queryset=User.objects.none(),
        help_text=_("The manager may then publish and edit demands for your enterprise."),
    )

    def __init__(self, *args: Any, q: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        managers = User.objects.filter(role=Role.TECH_MANAGER, is_active=True).select_related(
            "organisation"
        )
        if q:
            managers = managers.filter(
                Q(username__icontains=q)
                | Q(display_name__icontains=q)
                | Q(organisation__name__icontains=q)
            )
        manager = cast("forms.ModelChoiceField[User]", self.fields["manager"])
        manager.queryset = managers.order_by("display_name", "username")
        # An instance attribute shadows the method and is called as a plain function; mypy
        # compares it with the unbound method's signature (self, obj) and refuses it.
        manager.label_from_instance = _manager_label  # type: ignore[assignment]


def _manager_label(user: User) -> str:
    return f"{user} ({user.organisation})" if user.organisation_id else str(user)
