"""A published demand of the ``users`` fixture's enterprise and helpers to make contacts."""

from __future__ import annotations

import pytest

from techbridge.contacts import services
from techbridge.demands.models import Demand
from tests import factories


@pytest.fixture
def demand(users, enterprise):
    return factories.DemandFactory(
        enterprise=enterprise,
        created_by=users["enterprise"],
        contact_name="王经理",
        contact_phone="0532-88886666",
    )


@pytest.fixture
def researcher(users):
    profile = users["researcher"].researcher
    profile.email = "li@example.edu.cn"
    profile.phone = "13800000000"
    profile.save()
    return profile


@pytest.fixture
def invitation(users, demand, researcher):
    return services.invite(
        actor=users["enterprise"], demand=demand, researcher=researcher, message="请帮忙看看"
    )


@pytest.fixture
def interest(users, demand, researcher):
    return services.express_interest(
        actor=users["researcher"], demand=demand, message="我们做过类似的涂层"
    )


def make_demand(users, enterprise, **kwargs) -> Demand:
    return factories.DemandFactory(enterprise=enterprise, created_by=users["enterprise"], **kwargs)
