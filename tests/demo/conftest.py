"""One small demo build shared by the tests of a module (building takes a couple of seconds).

The build runs in a transaction that is rolled back after the module; each test runs in a
savepoint inside it (pytest-django's ``db``), so tests may write without disturbing each other.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings

from techbridge.demo.builder import build_demo_data

SMALL_SCALE = 0.05


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    # The tests' fast hasher (tests/conftest.py sets it per test, after this fixture runs).
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), transaction.atomic(), fast:
        yield build_demo_data(seed=42, scale=SMALL_SCALE)
        transaction.set_rollback(True)
