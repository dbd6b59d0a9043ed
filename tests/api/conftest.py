"""Fixtures for the API tests: clients signed in as each role, and one demand in every
combination of confidentiality level and status, owned by the ``enterprise`` fixture."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.test import Client

from techbridge.demands.models import Demand
from tests import factories

LEVELS = ("public", "invited", "confidential")
STATUSES = ("draft", "published", "closed")
PUBLISHED_AT = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api_client():
    """``api_client(user)``: a test client signed in with the user's browser session."""

    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def demand_grid(users, enterprise):
    """{(confidentiality, status): demand} for all nine combinations."""
    owner = users["enterprise"]
    grid = {}
    for level, status in itertools.product(LEVELS, STATUSES):
        grid[level, status] = factories.DemandFactory(
            enterprise=enterprise,
            created_by=owner,
            title=f"{level}-{status} 隔膜涂层",
            confidentiality=level,
            status=status,
            published_at=None if status == Demand.Status.DRAFT else PUBLISHED_AT,
            budget_min=10,
            budget_max=50,
            contact_name="王经理",
            contact_phone="0532-12345678",
        )
    return grid
