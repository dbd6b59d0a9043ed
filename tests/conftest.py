"""Shared fixtures: one user of every role, in one region, with the organisations they need."""

from __future__ import annotations

import pytest

from techbridge.accounts.models import Role
from tests import factories


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that are not about hashing use MD5."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _text_messages_in_memory(settings):
    """Text messages go to ``notifications.sms.outbox``, as e-mails go to ``mail.outbox``."""
    from techbridge.notifications import sms

    settings.SMS_BACKEND = "techbridge.notifications.sms.LocmemBackend"
    sms.outbox.clear()


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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (``transaction=True``, ``live_server``) ends by flushing every table,
    migrated reference data included; ``serialized_rollback`` reloads it only when the *next*
    transactional test starts. Reload it right after the flush, so the tests that follow in the
    same worker (and module-scoped builds such as the demo's) find the regions, industries and
    disciplines whatever the order. Tables that are not empty (content types, recreated after
    the flush) are left as they are."""
    yield
    if nextitem is None:
        # The worker's last test: its teardown dropped the test database with the session.
        return
    marker = item.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or any(
        name in getattr(item, "fixturenames", ()) for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        _reload_serialized_contents()


def _reload_serialized_contents() -> None:
    from django.core import serializers
    from django.db import connections, transaction

    for connection in connections.all(initialized_only=True):
        contents = getattr(connection, "_test_serialized_contents", None)
        if not contents:
            continue
        empty: dict[type, bool] = {}
        deferred = []
        with transaction.atomic(using=connection.alias), connection.constraint_checks_disabled():
            for obj in serializers.deserialize(
                "json", contents, using=connection.alias, handle_forward_references=True
            ):
                model = type(obj.object)
                if model not in empty:
                    empty[model] = not model._default_manager.using(connection.alias).exists()
                if empty[model]:
                    obj.save()
                    if obj.deferred_fields:
                        deferred.append(obj)
            for obj in deferred:
                obj.save_deferred_fields()


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache is per process: a panel cached by one test must not answer in the next, whose
    rolled-back rows may have the same ids."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
