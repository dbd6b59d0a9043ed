"""Forms of the contact pages: the short message of an invitation or interest, the answer, a
message of the thread and a cooperation record."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from techbridge.contacts.models import Contact, Cooperation
from techbridge.contacts.services import MAX_MESSAGE_CHARS


class ContactForm(forms.Form):
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class StepForm(forms.Form):
    step = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", _("Decline")), ("withdraw", _("Withdraw"))]
    )
    reason = forms.ChoiceField(
        label=_("Reason"),
        required=False,
        choices=[("", _("— choose a reason —")), *Contact.DeclineReason.choices],
    )
    note = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=MAX_MESSAGE_CHARS, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = forms.FileField(label=_("Attachment (optional)"), required=False)


class CooperationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Cooperation.Kind.choices)
    happened_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


BOXES = [
    ("", _("All")),
    ("waiting", _("Waiting for my answer")),
    ("sent", _("Sent by us")),
    ("accepted", _("Accepted")),
    ("closed", _("Closed")),
]


class ContactFilterForm(forms.Form):
    box = forms.ChoiceField(required=False, choices=BOXES)
    kind = forms.ChoiceField(required=False, choices=[("", _("All kinds")), *Contact.Kind.choices])
