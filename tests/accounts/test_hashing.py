"""Passwords are stored with argon2 by the platform's own settings."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password

from techbridge import settings as project_settings


def test_argon2_is_the_default_hasher(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS  # undo the tests' fast hasher
    assert make_password("s3cret-pass").startswith("argon2$")
