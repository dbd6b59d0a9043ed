"""Forms of the dispatch pages: a round and its rules, the two application forms, the fields a
step takes (comment, meeting, outcome), objections and their resolution.

Forms check the shape of the input only; who may do what, in which state and phase, and the
eligibility rules are checked by ``dispatch.services`` and reach the page through the view.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from techbridge.demands.models import Demand
from techbridge.dispatch import eligibility
from techbridge.dispatch.models import EligibilityRule, Meeting, Objection, Phase, Round
from techbridge.orgs.forms import DateInput
from techbridge.refdata.models import Degree, Region, TitleLevel

PHASE_DATE_FIELDS = tuple(f"{phase}_{end}" for phase in Phase.values for end in ("opens", "closes"))
QUOTA_FIELDS = (
    "commissioners_per_enterprise",
    "enterprises_per_commissioner",
    "max_enterprises_per_city",
    "max_commissioners_per_unit",
)
TEXT_LIMIT = 5000


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class DemandChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} · {obj.enterprise.name}"


class RoundForm(forms.ModelForm):
    """A round's name, phase dates, publication period and quotas; ``region`` only when
    opening one (the choices are the regions the administrator runs)."""

    class Meta:
        model = Round
        fields = (
            "name",
            "region",
            *PHASE_DATE_FIELDS,
            "publication_days",
            "enforce_phases",
            *QUOTA_FIELDS,
        )
        widgets = {name: DateInput() for name in PHASE_DATE_FIELDS}

    def __init__(self, *args: Any, regions: QuerySet[Region] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if regions is None:
            del self.fields["region"]
        else:
            self.fields["region"] = RegionChoiceField(
                label=self.fields["region"].label,
                help_text=self.fields["region"].help_text,
                queryset=regions,
            )
        for name in ("publication_days", *QUOTA_FIELDS):
            field = cast(forms.IntegerField, self.fields[name])
            field.min_value = 1
            field.widget.attrs["min"] = 1
        cast(forms.IntegerField, self.fields["publication_days"]).max_value = 60

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for phase in Phase.values:
            opens, closes = data.get(f"{phase}_opens"), data.get(f"{phase}_closes")
            if opens and closes and opens > closes:
                self.add_error(
                    f"{phase}_closes",
                    _("%(phase)s closes before it opens.") % {"phase": Phase(phase).label},
                )
        return data

    def _post_clean(self) -> None:
        # The service validates the round as a whole (region level, constraints); the form must
        # not touch the instance it was given, which the service re-reads and locks.
        pass

    def service_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "region"}

    def quota_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in QUOTA_FIELDS]

    def phase_rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [(Phase(p).label, self[f"{p}_opens"], self[f"{p}_closes"]) for p in Phase.values]


TITLE_CHOICES = [("", _("No title accepted"))] + [
    (level.value, level.label) for level in TitleLevel if level.value in eligibility.TITLE_PHRASES
]


class RuleForm(forms.Form):
    """One eligibility rule: on or off, and its thresholds when it has any."""

    enabled = forms.BooleanField(label=_("Enabled"), required=False)
    degrees = forms.MultipleChoiceField(
        label=_("Accepted degrees"),
        choices=Degree.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    min_title_level = forms.ChoiceField(
        label=_("Minimum professional title"), choices=TITLE_CHOICES, required=False
    )
    min_years = forms.IntegerField(
        label=_("Minimum years since registration"), min_value=0, max_value=50
    )

    THRESHOLDS = {
        "commissioner_degree_or_title": ("degrees", "min_title_level"),
        "enterprise_min_years_registered": ("min_years",),
    }

    def __init__(self, *args: Any, code: str, **kwargs: Any):
        kwargs["prefix"] = code
        super().__init__(*args, **kwargs)
        self.code = code
        self.definition = eligibility.RULES[code]
        thresholds = self.THRESHOLDS.get(code, ())
        for name in ("degrees", "min_title_level", "min_years"):
            if name not in thresholds:
                del self.fields[name]

    @classmethod
    def for_rule(cls, rule: EligibilityRule, data: Any = None) -> RuleForm:
        initial = {"enabled": rule.enabled, **rule.params}
        if initial.get("min_title_level") is None:
            initial["min_title_level"] = ""
        return cls(data, code=rule.code, initial=initial)

    def params(self) -> dict[str, Any] | None:
        thresholds = self.THRESHOLDS.get(self.code, ())
        if not thresholds:
            return None
        params = {name: self.cleaned_data.get(name) for name in thresholds}
        if "min_title_level" in params:
            params["min_title_level"] = params["min_title_level"] or None
        return params


class EnterpriseApplicationForm(forms.Form):
    demand = DemandChoiceField(
        label=_("Technical demand"),
        queryset=Demand.objects.none(),
        help_text=_("The demand form of this application: one of your enterprise's demands."),
    )
    conditions_committed = forms.BooleanField(
        label=_("We commit to provide the commissioner's post and working conditions"),
        required=False,
    )
    conditions = forms.CharField(
        label=_("Post and working conditions offered"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=TEXT_LIMIT,
    )

    def __init__(self, *args: Any, demands: QuerySet[Demand], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["demand"]).queryset = demands


class CommissionerApplicationForm(forms.Form):
    """The researcher's information form (拟派出科研人员基本情况表)."""

    statement = forms.CharField(
        label=_("Personal statement"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_LIMIT,
        help_text=_("Your research, your experience with enterprises and why you apply."),
    )
    plan = forms.CharField(
        label=_("Service plan"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=TEXT_LIMIT,
        help_text=_("What you intend to do for the enterprise and how often you will be there."),
    )


class StepForm(forms.Form):
    """The fields any step may carry; the view passes on those its step takes."""

    action = forms.CharField(max_length=40)
    comment = forms.CharField(required=False, max_length=TEXT_LIMIT)
    scheduled_at = forms.DateTimeField(
        required=False, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
    )
    place = forms.CharField(required=False, max_length=200)
    meeting = forms.IntegerField(required=False)
    outcome = forms.ChoiceField(
        required=False,
        choices=[("", "—"), *[(c.value, c.label) for c in Meeting.Outcome if c.value]],
    )
    notes = forms.CharField(required=False, max_length=TEXT_LIMIT)


class ObjectionForm(forms.Form):
    """An objection to a published pairing; someone not signed in leaves a contact."""

    reason = forms.CharField(
        label=_("Reason for the objection"),
        widget=forms.Textarea(attrs={"rows": 5}),
        min_length=10,
        max_length=2000,
        help_text=_("Say what is wrong with this pairing; facts that can be checked help."),
    )
    contact = forms.CharField(
        label=_("Contact (telephone or e-mail)"),
        max_length=200,
        required=False,
        help_text=_("Required when you are not signed in, so the objection can be answered."),
    )

    def __init__(self, *args: Any, signed_in: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.signed_in = signed_in
        if not signed_in:
            self.fields["contact"].required = True

    def clean_reason(self) -> str:
        return str(self.cleaned_data["reason"]).strip()

    def clean_contact(self) -> str:
        contact = str(self.cleaned_data.get("contact") or "").strip()
        if not self.signed_in and not contact:
            raise forms.ValidationError(_("Leave a contact so the objection can be answered."))
        return contact


class ResolveObjectionForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Resolution"),
        choices=[(c.value, c.label) for c in Objection.Resolution if c.value],
    )
    comment = forms.CharField(
        label=_("Explanation"), widget=forms.Textarea(attrs={"rows": 3}), max_length=TEXT_LIMIT
    )
