"""Fixtures for notification tests: users with e-mail addresses and a target record."""

from __future__ import annotations

import pytest

from techbridge.accounts.models import Role
from tests import factories


@pytest.fixture
def alice(db):
    return factories.UserFactory(role=Role.RESEARCHER, email="alice@example.com")


@pytest.fixture
def bob(db):
    return factories.UserFactory(role=Role.CITY_BUREAU, email="bob@example.com")


@pytest.fixture
def target(db):
    """Any saved record can be the subject of a notification or a to-do; a demand here."""
    return factories.DemandFactory()


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
