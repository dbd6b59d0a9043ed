"""The audit page's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from techbridge.audit.models import AuditEntry
from techbridge.audit.selectors import AuditFilters, object_types


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), required=False)
    object_type = forms.ChoiceField(label=_("Object type"), required=False)
    object_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    actor = forms.CharField(label=_("User name"), required=False, max_length=150)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        blank = [("", "—")]
        self.fields["action"].choices = blank + list(AuditEntry.Action.choices)  # type: ignore[attr-defined]
        self.fields["object_type"].choices = blank + [(t, t) for t in object_types()]  # type: ignore[attr-defined]

    def to_filters(self) -> AuditFilters:
        if not self.is_bound or not self.is_valid():
            return AuditFilters()
        data = self.cleaned_data
        return AuditFilters(
            action=data["action"] or "",
            object_type=data["object_type"] or "",
            object_id=(data["object_id"] or "").strip(),
            actor=(data["actor"] or "").strip(),
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
