"""Forms of the researcher's ways in: an invitation, completing it, registering oneself, and
the unit's rejection reason. Shape only; the rules are in ``talent.joining``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.forms import NewAccountMixin, PasswordPairMixin, UnitChoiceField
from techbridge.accounts.models import User
from techbridge.orgs.models import Organisation


class InviteForm(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=50)
    email = forms.EmailField(label=_("E-mail"))


class AccountForm(NewAccountMixin, PasswordPairMixin):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("For logging in: letters, digits and @ . + - _ only."),
    )
    field_order = ["username", "password1", "password2"]


class SelfRegistrationForm(NewAccountMixin, PasswordPairMixin):
    unit = UnitChoiceField(
        label=_("Your unit (university or institute)"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.UNIT)
        .select_related("region", "region__parent")
        .order_by("name"),
    )
    name = forms.CharField(label=_("Full name"), max_length=50)
    title = forms.CharField(
        label=_("Professional title"),
        max_length=50,
        required=False,
        help_text=_("e.g. 教授, 研究员"),
    )
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("For logging in: letters, digits and @ . + - _ only."),
    )

    def account_user(self, data: dict[str, Any]) -> User:
        return User(
            username=data.get("username", ""),
            email=data.get("email", ""),
            display_name=data.get("name", ""),
        )

    field_order = ["unit", "name", "title", "email", "phone", "username", "password1", "password2"]
