"""Shared fixtures: one user of every role, in one region, with the organisations they need."""

from __future__ import annotations

import pytest

from techbridge.accounts.models import Role
from tests import factories


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that are not about hashing use MD5."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def enterprise(db):
    return factories.EnterpriseFactory()


@pytest.fixture
def unit(db):
    return factories.UnitFactory()


@pytest.fixture
def users(db, enterprise, unit):
    """One user per role; ``other_enterprise`` belongs to a different enterprise."""
    other = factories.EnterpriseFactory()
    bureau = factories.BureauFactory()
    province = factories.OrganisationFactory(
        kind="province_bureau", name="山东省科学技术厅", region=factories.region("370000")
    )
    agency = factories.OrganisationFactory(kind="agency", name="青岛技术转移中心")
    researcher_user = factories.UserFactory(role=Role.RESEARCHER, organisation=unit)
    factories.ResearcherFactory(unit=unit, user=researcher_user)
    return {
        "enterprise": factories.UserFactory(role=Role.ENTERPRISE, organisation=enterprise),
        "other_enterprise": factories.UserFactory(role=Role.ENTERPRISE, organisation=other),
        "researcher": researcher_user,
        "unit": factories.UserFactory(role=Role.UNIT, organisation=unit),
        "city_bureau": factories.UserFactory(role=Role.CITY_BUREAU, organisation=bureau),
        "province_admin": factories.UserFactory(
            role=Role.PROVINCE_ADMIN, organisation=province, region=province.region
        ),
        "tech_manager": factories.UserFactory(role=Role.TECH_MANAGER, organisation=agency),
        "auditor": factories.UserFactory(role=Role.AUDITOR, organisation=province),
    }


@pytest.fixture(autouse=True)
def _fresh_reference_choices():
    """Choices are cached per process; a test's rolled-back rows must not leak into the next."""
    from techbridge.refdata.selectors import clear_choices_cache

    clear_choices_cache()
    yield
    clear_choices_cache()


@pytest.fixture(autouse=True)
def _matching_for_tests(settings):
    """Matching uses the model-free hashing encoder, keeps nothing on disk, and each test starts
    with no engine in memory (a rolled-back test's profiles must not be recommended in the next)."""
    from techbridge.recommendations.services import reset_indexes

    settings.MATCHING_ENCODER = "hashing"
    settings.MATCHING_INDEX_DIR = ""
    reset_indexes()
    yield
    reset_indexes()
