"""Demands of the ``users`` fixture's enterprise at every confidentiality level and status.

Each demand's description carries a marker found nowhere else, so a test can tell whether the
protected text reached a page, a CSV or a spreadsheet.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from techbridge.demands.models import Demand
from tests import factories

LEVELS = [c.value for c in Demand.Confidentiality]
STATUSES = [s.value for s in Demand.Status]


def marker(level: str, status: str) -> str:
    return f"受保护描述-{level}-{status}-专用"


def title_of(level: str, status: str) -> str:
    return f"需求标题-{level}-{status}"


@pytest.fixture
def demand_matrix(users, enterprise):
    """{(level, status): Demand} for every confidentiality level and status."""
    matrix = {}
    for level in LEVELS:
        for status in STATUSES:
            matrix[(level, status)] = factories.DemandFactory(
                enterprise=enterprise,
                created_by=users["enterprise"],
                title=title_of(level, status),
                description=marker(level, status),
                confidentiality=level,
                status=status,
                published_at=None if status == Demand.Status.DRAFT else timezone.now(),
            )
    return matrix


def login(client, user):
    client.force_login(user)
    return client
