"""One-time links that let a user set their password: Django's password-reset tokens.

A token is signed with ``SECRET_KEY`` over the user's id, password hash, last login and e-mail,
so it stops working once the password is set (one time) and after ``PASSWORD_RESET_TIMEOUT``
(three days by default). The same mechanism serves password reset, the set-password link of a
new unit administrator and a researcher's invitation.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from techbridge.accounts.models import User


def account_link(user: User, url_name: str) -> str:
    """The absolute URL ``url_name`` (which takes ``uidb64`` and ``token``) for ``user``."""
    path = reverse(
        url_name,
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL + path


def user_for_link(uidb64: str, token: str) -> User | None:
    """The user a link was made for, or None if it is forged, used or expired."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user
