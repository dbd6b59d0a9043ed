"""The e-mail preferences form."""

from __future__ import annotations

from django import forms

from techbridge.notifications.models import NotificationPreference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email_digest", "immediate_email", "immediate_sms"]
