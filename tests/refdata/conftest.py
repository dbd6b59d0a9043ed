"""The code tables come from the data migration; the choices cache is reset around each test so
that rows changed inside a rolled-back test never leak into the next one."""

from __future__ import annotations

import pytest

from techbridge.refdata.selectors import clear_choices_cache


@pytest.fixture(autouse=True)
def fresh_choices_cache():
    clear_choices_cache()
    yield
    clear_choices_cache()
