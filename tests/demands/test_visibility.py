"""Every role against the list, the detail page and both exports, for demands at every
confidentiality level and status: who sees the demand, who sees its protected text, and which
audit entries are written.

The expectations are written out by hand (not computed with the selectors under test):

* drafts are seen only by the owning enterprise; closed demands by the owner and the bureaus of
  the region; published demands by everyone signed in;
* protected details: the owner always; the city bureau and the provincial administrator of the
  region unless the demand is a draft; everyone else only for public demands.
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from techbridge.audit.models import AuditEntry
from tests.demands.conftest import LEVELS, STATUSES, login, marker, title_of

ROLES = [
    "enterprise",
    "other_enterprise",
    "researcher",
    "unit",
    "city_bureau",
    "province_admin",
    "tech_manager",
    "auditor",
]
OWNER = {"enterprise"}
REGION_ADMINS = {"city_bureau", "province_admin"}


def expected_visible(role: str, level: str, status: str) -> bool:
    if status == "draft":
        return role in OWNER
    if status == "closed":
        return role in OWNER | REGION_ADMINS
    return True


def expected_details(role: str, level: str, status: str) -> bool:
    if not expected_visible(role, level, status):
        return False
    if role in OWNER:
        return True
    if role in REGION_ADMINS:
        return status != "draft"
    return level == "public"


CASES = [(level, status) for level in LEVELS for status in STATUSES]


def protected_views(user, channel: str) -> set[int]:
    return {
        int(e.object_id)
        for e in AuditEntry.objects.filter(actor=user, action=AuditEntry.Action.VIEW_PROTECTED)
        if e.detail.get("channel") == channel
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_detail_shows_protected_text_only_to_entitled_roles(client, users, demand_matrix, role):
    user = users[role]
    login(client, user)
    for (level, status), demand in demand_matrix.items():
        response = client.get(f"/demands/{demand.pk}/")
        if not expected_visible(role, level, status):
            assert response.status_code == 404, (role, level, status)
            continue
        assert response.status_code == 200, (role, level, status)
        html = response.content.decode()
        assert title_of(level, status) in html
        assert (marker(level, status) in html) is expected_details(role, level, status), (
            role,
            level,
            status,
        )
    audited = protected_views(user, "web")
    expected = {
        demand.pk
        for (level, status), demand in demand_matrix.items()
        if level != "public" and expected_details(role, level, status)
    }
    assert audited == expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_list_shows_visible_titles_and_never_protected_text(client, users, demand_matrix, role):
    login(client, users[role])
    html = client.get("/demands/").content.decode()
    for level, status in CASES:
        assert (title_of(level, status) in html) is expected_visible(role, level, status), (
            role,
            level,
            status,
        )
        assert marker(level, status) not in html
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW_PROTECTED).exists()


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _xlsx_rows(content: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


READERS = {"csv": _csv_rows, "xlsx": _xlsx_rows}


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("role", ROLES)
def test_export_masks_protected_columns_and_is_audited(
    client, users, demand_matrix, role, file_format
):
    user = users[role]
    login(client, user)
    response = client.get(f"/demands/export/?format={file_format}")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    header, *rows = READERS[file_format](response.content)
    description_column = header.index("描述") if "描述" in header else header.index("Description")
    by_title = {row[1]: row for row in rows}
    for level, status in CASES:
        title = title_of(level, status)
        if not expected_visible(role, level, status):
            assert title not in by_title, (role, level, status)
            continue
        shown = by_title[title][description_column]
        if expected_details(role, level, status):
            assert shown == marker(level, status)
        else:
            assert shown == ""
        assert marker(level, status) not in "".join("".join(row) for row in rows if row[1] != title)
    exports = AuditEntry.objects.filter(actor=user, action=AuditEntry.Action.EXPORT)
    assert exports.count() == 1
    assert exports.get().detail["rows"] == len(rows)
    assert exports.get().detail["format"] == file_format
    expected = {
        demand.pk
        for (level, status), demand in demand_matrix.items()
        if level != "public" and expected_details(role, level, status)
    }
    assert protected_views(user, "export") == expected


@pytest.mark.django_db
def test_export_records_the_filters(client, users, demand_matrix):
    login(client, users["enterprise"])
    response = client.get("/demands/export/?format=csv&status=draft&confidentiality=public")
    _header, *rows = _csv_rows(response.content)
    assert sorted(r[1] for r in rows) == sorted(title_of(level, "draft") for level in LEVELS)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.detail["filters"]["status"] == "draft"
    assert entry.detail["rows"] == 3


@pytest.mark.django_db
def test_export_refuses_unknown_format(client, users, demand_matrix):
    login(client, users["enterprise"])
    assert client.get("/demands/export/?format=pdf").status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


@pytest.mark.django_db
def test_pages_need_a_login(client, demand_matrix):
    demand = demand_matrix[("public", "published")]
    for url in ("/demands/", f"/demands/{demand.pk}/", "/demands/export/?format=csv"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_invited_researcher_sees_details_after_accepting_terms(client, users, demand_matrix):
    demand = demand_matrix[("invited", "published")]
    owner, researcher = users["enterprise"], users["researcher"]
    login(client, owner)
    client.post(f"/demands/{demand.pk}/invite/", {"researcher": researcher.researcher.pk})
    assert demand.accesses.filter(researcher=researcher.researcher).exists()

    login(client, researcher)
    html = client.get(f"/demands/{demand.pk}/").content.decode()
    assert marker("invited", "published") not in html
    assert "accept-terms" in html
    response = client.post(f"/demands/{demand.pk}/accept-terms/", follow=True)
    assert response.status_code == 200
    assert marker("invited", "published") in response.content.decode()
    assert protected_views(researcher, "web") == {demand.pk}
    _header, *rows = _csv_rows(client.get("/demands/export/?format=csv").content)
    assert marker("invited", "published") in [cell for row in rows for cell in row]
    # The confidential demand stays hidden even after an invitation elsewhere.
    assert marker("confidential", "published") not in [cell for row in rows for cell in row]


@pytest.mark.django_db
def test_researcher_without_invitation_gets_no_accept_button(client, users, demand_matrix):
    demand = demand_matrix[("invited", "published")]
    login(client, users["researcher"])
    html = client.get(f"/demands/{demand.pk}/").content.decode()
    assert "accept-terms" not in html
    response = client.post(f"/demands/{demand.pk}/accept-terms/", follow=True)
    assert not demand.accesses.exists()
    assert marker("invited", "published") not in response.content.decode()


@pytest.mark.django_db
def test_non_owner_cannot_invite(client, users, demand_matrix):
    demand = demand_matrix[("invited", "published")]
    login(client, users["other_enterprise"])
    client.post(f"/demands/{demand.pk}/invite/", {"researcher": users["researcher"].researcher.pk})
    assert not demand.accesses.exists()


@pytest.mark.django_db
def test_hidden_details_explain_why(client, users, demand_matrix):
    login(client, users["researcher"])
    client.cookies["django_language"] = "en"
    invited = client.get(f"/demands/{demand_matrix[('invited', 'published')].pk}/")
    confidential = client.get(f"/demands/{demand_matrix[('confidential', 'published')].pk}/")
    assert "invited researchers who accept the non-disclosure terms" in invited.content.decode()
    assert "administrators only" in confidential.content.decode()
