"""Fixtures of the talent pool tests: indexed profiles built through the services."""

from __future__ import annotations

import pytest

from techbridge.accounts.models import Role
from techbridge.talent import services
from tests import factories


@pytest.fixture
def unit_user(users):
    return users["unit"]


@pytest.fixture
def profile(users):
    """The profile linked to ``users['researcher']``, indexed for search."""
    researcher = users["researcher"].researcher
    researcher.email = "li@example.edu.cn"
    researcher.phone = "0532-12345678"
    researcher.save()
    services.reindex(researcher)
    return researcher


@pytest.fixture
def other_unit_user(db):
    return factories.UserFactory(role=Role.UNIT, organisation=factories.UnitFactory())


@pytest.fixture
def superuser(db):
    return factories.UserFactory(role=Role.PROVINCE_ADMIN, is_superuser=True, is_staff=True)


def make_researcher(*, actor, unit, **data):
    """A researcher created (and indexed) through the service."""
    data.setdefault("name", "王研究员")
    data.setdefault("disciplines", [factories.discipline()])
    return services.create_researcher(actor=actor, unit=unit, data=data)
