"""Region scope of administrators follows GB/T 2260 code prefixes."""

from __future__ import annotations

import pytest

from techbridge.accounts.permissions import administers_region, region_prefix


@pytest.mark.django_db
def test_city_bureau_administers_its_city_only(users):
    bureau = users["city_bureau"]  # region 370200 青岛市
    assert region_prefix(bureau) == "3702"
    assert administers_region(bureau, "370200")
    assert not administers_region(bureau, "370100")


@pytest.mark.django_db
def test_province_admin_administers_every_city_of_the_province(users):
    admin = users["province_admin"]
    assert administers_region(admin, "370200") and administers_region(admin, "370100")
    assert not administers_region(admin, "230100")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["enterprise", "researcher", "unit", "tech_manager", "auditor"])
def test_other_roles_administer_nothing(users, role):
    assert region_prefix(users[role]) is None
    assert not administers_region(users[role], "370200")
