"""The code tables in the admin: staff can search and filter them; nobody can change them."""

from __future__ import annotations

import pytest

from techbridge.accounts.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    user = factories.UserFactory(role=Role.PROVINCE_ADMIN, is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def test_search_by_code_and_name(superuser_client):
    by_name = superuser_client.get("/admin/refdata/region/", {"q": "青岛"})
    by_code = superuser_client.get("/admin/refdata/industry/", {"q": "65"})

    assert by_name.status_code == 200
    assert list(by_name.context["cl"].result_list.values_list("code", flat=True)) == ["370200"]
    assert "65" in by_code.context["cl"].result_list.values_list("code", flat=True)


def test_filter_by_level(superuser_client):
    response = superuser_client.get("/admin/refdata/industry/", {"level": "1"})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 20


@pytest.mark.parametrize("table", ["region", "industry", "discipline"])
def test_tables_are_read_only_even_for_a_superuser(superuser_client, table):
    code = {"region": "370200", "industry": "39", "discipline": "430"}[table]

    assert superuser_client.get(f"/admin/refdata/{table}/add/").status_code == 403
    assert superuser_client.get(f"/admin/refdata/{table}/{code}/delete/").status_code == 403
    change = superuser_client.get(f"/admin/refdata/{table}/{code}/change/")
    assert change.status_code == 200
    assert change.context["has_change_permission"] is False


def test_non_staff_users_are_refused(client, users):
    client.force_login(users["province_admin"])

    response = client.get("/admin/refdata/region/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
