"""Forms of the demand pages: the list's filters, the demand form, closing and inviting.

Forms check the shape of the input only; the rules (budget range, deadline on publishing, who
may act for which enterprise) are in ``demands.services`` and reach the form through the view.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from techbridge.demands.models import Demand
from techbridge.demands.selectors import DemandFilters
from techbridge.orgs.forms import (
    CodeChoiceField,
    CodeMultipleChoiceField,
    DateInput,
    discipline_choices,
    industry_choices,
    keep_county,
    region_choices,
    with_blank,
)
from techbridge.orgs.models import Organisation
from techbridge.refdata.models import Discipline, Industry, Region

CONFIDENTIALITY_HELP = {
    Demand.Confidentiality.PUBLIC: _(
        "Everyone signed in sees the whole demand once it is published."
    ),
    Demand.Confidentiality.INVITED: _(
        "Everyone sees the title and public summary; the description, expected outcome, "
        "keywords, budget and contact are shown only to researchers you invite, after they "
        "accept the non-disclosure terms, and to the science bureaus of your region."
    ),
    Demand.Confidentiality.CONFIDENTIAL: _(
        "Everyone sees the title and public summary; the details are shown only to the "
        "science bureaus of your region (administrators)."
    ),
}


class DemandFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    discipline = forms.ChoiceField(label=_("Technical field"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=with_blank(Demand.Status.choices)
    )
    cooperation_mode = forms.ChoiceField(
        label=_("Cooperation mode"),
        required=False,
        choices=with_blank(Demand.CooperationMode.choices),
    )
    mine = forms.BooleanField(label=_("Only mine"), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["industry"]).choices = with_blank(
            industry_choices(sections_selectable=True)
        )
        cast(forms.ChoiceField, self.fields["discipline"]).choices = with_blank(
            discipline_choices()
        )
        cast(forms.ChoiceField, self.fields["region"]).choices = with_blank(
            region_choices(provinces_selectable=True)
        )

    def to_filters(self) -> DemandFilters:
        """The selector's filters; an invalid choice is dropped rather than failing the page."""
        if not self.is_bound:
            return DemandFilters()
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields}
        return DemandFilters(
            q=(data["q"] or "").strip(),
            industry=data["industry"] or "",
            discipline=data["discipline"] or "",
            region=data["region"] or "",
            status=data["status"] or "",
            cooperation_mode=data["cooperation_mode"] or "",
            mine=bool(data["mine"]),
        )


class ConfidentialityWidget(forms.RadioSelect):
    """Radio buttons, each followed by what the level means."""

    option_template_name = "demands/widgets/confidentiality_option.html"

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["explanation"] = CONFIDENTIALITY_HELP.get(option["value"], "")
        return option


class DemandForm(forms.Form):
    """The fields of ``demands.services.EDITABLE_FIELDS`` (and the enterprise when creating)."""

    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"),
        queryset=Organisation.objects.none(),
        help_text=_("The enterprise the demand is published for."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Public summary"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to everyone, whatever the confidentiality level."),
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea,
        help_text=_("The technical problem: current situation, difficulties, conditions."),
    )
    expected_outcome = forms.CharField(
        label=_("Expected outcome"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        max_length=500,
        help_text=_("Separated by commas, e.g. 隔膜, 陶瓷涂层"),
    )
    industry = CodeChoiceField(model=Industry, label=_("Industry"))
    disciplines = CodeMultipleChoiceField(
        model=Discipline,
        label=_("Technical fields"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    cooperation_mode = forms.ChoiceField(
        label=_("Cooperation mode"), choices=with_blank(Demand.CooperationMode.choices)
    )
    budget_min = forms.DecimalField(
        label=_("Budget from (10k yuan)"), required=False, max_digits=12, decimal_places=2
    )
    budget_max = forms.DecimalField(
        label=_("Budget to (10k yuan)"), required=False, max_digits=12, decimal_places=2
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput())
    region = CodeChoiceField(model=Region, label=_("Region"))
    confidentiality = forms.ChoiceField(
        label=_("Confidentiality"),
        choices=Demand.Confidentiality.choices,
        initial=Demand.Confidentiality.PUBLIC,
        widget=ConfidentialityWidget,
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)

    def __init__(
        self, *args: Any, enterprises: QuerySet[Organisation] | None = None, **kwargs: Any
    ):
        """``enterprises``: those the user may choose among; None hides the field (editing)."""
        super().__init__(*args, **kwargs)
        cast(CodeChoiceField, self.fields["industry"]).choices = with_blank(industry_choices())
        cast(CodeMultipleChoiceField, self.fields["disciplines"]).choices = discipline_choices()
        cast(CodeChoiceField, self.fields["region"]).choices = with_blank(
            keep_county(region_choices(), self.initial.get("region"), self.data.get("region"))
        )
        if enterprises is None:
            del self.fields["enterprise"]
        else:
            enterprise = cast("forms.ModelChoiceField[Organisation]", self.fields["enterprise"])
            enterprise.queryset = enterprises
            if len(enterprises) == 1:
                self.fields["enterprise"].initial = enterprises[0].pk
                self.fields["enterprise"].widget = forms.HiddenInput()

    def service_data(self) -> dict[str, Any]:
        """The cleaned data as ``create_demand`` / ``update_demand`` take it."""
        return {k: v for k, v in self.cleaned_data.items() if k != "enterprise"}

    @staticmethod
    def initial_from(demand: Demand) -> dict[str, Any]:
        return {
            "title": demand.title,
            "summary": demand.summary,
            "description": demand.description,
            "expected_outcome": demand.expected_outcome,
            "keywords": ", ".join(demand.keywords or []),
            "industry": demand.industry_id,
            "disciplines": [d.code for d in demand.disciplines.all()],
            "cooperation_mode": demand.cooperation_mode,
            "budget_min": demand.budget_min,
            "budget_max": demand.budget_max,
            "deadline": demand.deadline,
            "region": demand.region_id,
            "confidentiality": demand.confidentiality,
            "contact_name": demand.contact_name,
            "contact_phone": demand.contact_phone,
        }


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for closing"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
