"""Forms of the account pages. They check the shape of the input; the rules (credit code, unique
user name, password strength, permissions) live in the services, whose errors the views put
beside the fields (``core.forms.add_service_error``)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.models import User
from techbridge.accounts.registration import check_new_account, credit_code_errors
from techbridge.orgs.forms import (
    CodeChoiceField,
    DateInput,
    industry_choices,
    region_choices,
    with_blank,
)
from techbridge.orgs.models import Organisation
from techbridge.refdata.models import Industry, Region
from techbridge.refdata.selectors import counties


class CountyRegionMixin(forms.Form):
    """A city select and a county select whose options follow the chosen city (htmx reloads
    them; without JavaScript the page comes back with the city's counties). Cleans to
    ``region``: the county, or the city where it has no counties."""

    city = CodeChoiceField(model=Region, label=_("City"))
    county = forms.ChoiceField(
        label=_("District or county"),
        required=False,
        help_text=_("Choose the city first; its districts and counties then appear here."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        city_field = cast(CodeChoiceField, self.fields["city"])
        city_field.choices = with_blank(region_choices())
        city_field.widget.attrs.update(
            {
                "hx-get": reverse("accounts:county_options"),
                "hx-target": "#id_county",
                "hx-trigger": "change",
            }
        )
        city_code = self.data.get("city") if self.is_bound else self.initial.get("city")
        cast(forms.ChoiceField, self.fields["county"]).choices = county_choices(city_code or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        city = data.get("city")
        if city is not None:
            county = data.get("county")
            if county:
                data["region"] = Region.objects.get(pk=county)
            elif counties(city.pk).exists():
                self.add_error("county", _("Choose the district or county."))
            else:
                data["region"] = city
        return data


def county_choices(city_code: str) -> list[tuple[str, str]]:
    rows = counties(city_code) if city_code else Region.objects.none()
    return [("", "—"), *((row.code, row.name) for row in rows)]


class PasswordPairMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        return data


class NewAccountMixin(forms.Form):
    """Checks a new account's user name and password while the form is validated, with the
    service's own rules (``accounts.registration.check_new_account``), so that they show
    together with the other fields' errors; the service checks them again when it runs."""

    def account_user(self, data: dict[str, Any]) -> User:
        """An unsaved user carrying what the password-similarity check compares with."""
        return User(username=data.get("username", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("username") and data.get("password1") and not self.has_error("password2"):
            errors: dict[str | None, list[str]] = {}
            check_new_account(
                errors,
                user=self.account_user(data),
                password=data["password1"],
                password_field="password1",
            )
            for field, messages in errors.items():
                for message in messages:
                    self.add_error(field, message)
        return data


class EnterpriseRegistrationForm(NewAccountMixin, CountyRegionMixin, PasswordPairMixin):
    name = forms.CharField(label=_("Enterprise name"), max_length=200)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        help_text=_("18 characters, GB 32100; the last one is a check character."),
    )
    registered_on = forms.DateField(
        label=_("Registration date"),
        widget=DateInput(),
        help_text=_("The date of establishment on the business licence (成立日期)."),
    )
    industry = CodeChoiceField(model=Industry, label=_("Main industry"))
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30)
    contact_email = forms.EmailField(label=_("Contact e-mail"))
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("For logging in: letters, digits and @ . + - _ only."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(CodeChoiceField, self.fields["industry"]).choices = with_blank(industry_choices())

    def clean_registered_on(self) -> Any:
        value = self.cleaned_data["registered_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("The registration date lies in the future."))
        return value

    def clean_credit_code(self) -> str:
        code, problems = credit_code_errors(self.cleaned_data["credit_code"])
        if problems:
            raise forms.ValidationError(problems)
        return code

    def account_user(self, data: dict[str, Any]) -> User:
        return User(
            username=data.get("username", ""),
            email=data.get("contact_email", ""),
            display_name=data.get("contact_name", ""),
        )

    field_order = [
        "name",
        "credit_code",
        "registered_on",
        "industry",
        "city",
        "county",
        "contact_name",
        "contact_phone",
        "contact_email",
        "username",
        "password1",
        "password2",
    ]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.region.full_name}）"


class UnitAdministratorForm(forms.Form):
    unit = UnitChoiceField(label=_("Dispatching unit"), queryset=Organisation.objects.none())
    name = forms.CharField(label=_("Full name"), max_length=100)
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("The link to set the password is sent here.")
    )
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_("For logging in: letters, digits and @ . + - _ only."),
    )

    def __init__(self, *args: Any, units: QuerySet[Organisation], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["unit"]).queryset = units


class ContactDetailsForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)


class LoginForm(AuthenticationForm):
    """Django's login form, which also tells a person whose registration waits for their unit
    why they cannot sign in yet, instead of "wrong password" (a rejected account is renamed, so
    it is never found here). Only
    someone who gives the account's right password learns it, so it reveals no account."""

    inactive_explanation = ""

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            self.inactive_explanation = self._inactive_explanation()
            if self.inactive_explanation:
                raise forms.ValidationError(self.inactive_explanation, code="inactive") from None
            raise

    def _inactive_explanation(self) -> str:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        user = User.objects.filter(username=username, is_active=False).first() if username else None
        if user is None or not password or not user.check_password(password):
            return ""
        request = getattr(user, "join_request", None)
        if request is not None and request.status == "pending":
            return str(
                _(
                    "Your registration is waiting for %(unit)s to confirm it; "
                    "you will get an e-mail."
                )
                % {"unit": request.unit}
            )
        return str(_("This account is not active. Ask your unit or the science bureau."))
