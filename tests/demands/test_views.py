"""The demand pages' behaviour: search, filters, htmx, the form and the owner's actions."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from techbridge.audit.models import AuditEntry
from techbridge.demands.models import Demand
from tests import factories
from tests.demands.conftest import login

SECRET_WORD = "钙钛矿"


def form_data(**overrides):
    data = {
        "title": "高温隔膜涂层配方优化",
        "summary": "寻求涂层配方合作",
        "description": "现有涂层在150度下收缩明显，需要新的浆料配方。",
        "expected_outcome": "收缩率低于2%",
        "keywords": "隔膜，涂层, 浆料",
        "industry": factories.industry().code,
        "disciplines": [factories.discipline().code],
        "cooperation_mode": Demand.CooperationMode.JOINT_RD,
        "budget_min": "10",
        "budget_max": "50",
        "deadline": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        "region": factories.region().code,
        "confidentiality": Demand.Confidentiality.INVITED,
        "contact_name": "王工",
        "contact_phone": "0532-88888888",
    }
    data.update(overrides)
    return data


@pytest.fixture
def secret_demand(users, enterprise):
    return factories.DemandFactory(
        enterprise=enterprise,
        created_by=users["enterprise"],
        title="新型太阳能电池材料合作",
        summary="寻求光伏材料合作",
        description=f"我们需要{SECRET_WORD}薄膜的稳定性改进方案。",
        confidentiality=Demand.Confidentiality.CONFIDENTIAL,
    )


# Search -----------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "found"),
    [
        ("researcher", False),
        ("other_enterprise", False),
        ("unit", False),
        ("tech_manager", False),
        ("auditor", False),
        ("enterprise", True),
        ("city_bureau", True),
        ("province_admin", True),
    ],
)
def test_search_matches_protected_words_only_for_those_who_may_read_them(
    client, users, secret_demand, role, found
):
    login(client, users[role])
    html = client.get("/demands/", {"q": SECRET_WORD}).content.decode()
    assert (secret_demand.title in html) is found
    # The public title is still found by everyone.
    html = client.get("/demands/", {"q": "太阳能电池"}).content.decode()
    assert secret_demand.title in html


@pytest.mark.django_db
def test_search_export_does_not_leak_protected_matches(client, users, secret_demand):
    login(client, users["researcher"])
    content = client.get("/demands/export/", {"q": SECRET_WORD, "format": "csv"}).content
    assert secret_demand.title not in content.decode("utf-8-sig")


@pytest.mark.django_db
def test_filters_narrow_the_list(client, users, enterprise):
    other_industry = factories.industry("26", "化学原料和化学制品制造业")
    jinan = factories.region("370100", "济南市")
    chem = factories.DemandFactory(
        enterprise=enterprise, title="化工催化剂需求", industry=other_industry, region=jinan
    )
    battery = factories.DemandFactory(enterprise=enterprise, title="电池隔膜需求")
    draft = factories.DemandFactory(
        enterprise=enterprise, title="草稿需求", status=Demand.Status.DRAFT, published_at=None
    )
    login(client, users["enterprise"])

    def titles(**params):
        html = client.get("/demands/", params).content.decode()
        return {d.title for d in (chem, battery, draft) if d.title in html}

    assert titles() == {chem.title, battery.title, draft.title}
    assert titles(industry="26") == {chem.title}
    assert titles(industry="C") == {chem.title, battery.title, draft.title}
    assert titles(region="370100") == {chem.title}
    assert titles(region="370000") == {chem.title, battery.title, draft.title}
    assert titles(status="draft") == {draft.title}
    assert titles(cooperation_mode="consulting") == set()
    assert titles(industry="not-a-code") == {chem.title, battery.title, draft.title}


@pytest.mark.django_db
def test_mine_shows_only_own_demands(client, users, enterprise):
    mine = factories.DemandFactory(enterprise=enterprise, title="本企业的需求")
    theirs = factories.DemandFactory(title="别家企业的需求")
    login(client, users["enterprise"])
    html = client.get("/demands/", {"mine": "on"}).content.decode()
    assert mine.title in html
    assert theirs.title not in html


@pytest.mark.django_db
def test_htmx_request_returns_only_the_results_table(client, users, enterprise):
    demand = factories.DemandFactory(enterprise=enterprise)
    login(client, users["researcher"])
    response = client.get(
        "/demands/", {"status": "published"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="demand-table"' in html
    assert demand.title in html
    assert "<html" not in html
    assert "<form" not in html
    full = client.get("/demands/").content.decode()
    assert "<html" in full
    assert 'hx-target="#results"' in full


@pytest.mark.django_db
def test_list_paginates(client, users, enterprise, settings):
    settings.PAGE_SIZE = 2
    for n in range(5):
        factories.DemandFactory(enterprise=enterprise, title=f"分页需求{n}")
    login(client, users["researcher"])
    html = client.get("/demands/", {"status": "published"}).content.decode()
    assert html.count("分页需求") == 2
    assert "page=2" in html and "status=published" in html
    html = client.get("/demands/", {"status": "published", "page": 3}).content.decode()
    assert html.count("分页需求") == 1


# Creating and editing ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_owner_saves_a_draft(client, users, enterprise):
    login(client, users["enterprise"])
    response = client.post("/demands/new/", form_data(enterprise=enterprise.pk, save="1"))
    demand = Demand.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/demands/{demand.pk}/"
    assert demand.enterprise == enterprise
    assert demand.status == Demand.Status.DRAFT
    assert demand.keywords == ["隔膜", "涂层", "浆料"]
    assert [d.code for d in demand.disciplines.all()] == [factories.discipline().code]
    assert demand.confidentiality == Demand.Confidentiality.INVITED


@pytest.mark.django_db
def test_owner_saves_and_publishes(client, users, enterprise):
    login(client, users["enterprise"])
    client.post("/demands/new/", form_data(enterprise=enterprise.pk, publish="1"))
    demand = Demand.objects.get()
    assert demand.status == Demand.Status.PUBLISHED
    assert AuditEntry.objects.filter(action=AuditEntry.Action.PUBLISH).count() == 1


@pytest.mark.django_db
def test_create_form_defaults_to_the_enterprise_region(client, users, enterprise):
    login(client, users["enterprise"])
    html = client.get("/demands/new/").content.decode()
    assert f'<option value="{enterprise.region_id}" selected>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["researcher", "unit", "city_bureau", "auditor", "tech_manager"])
def test_create_refused_for_roles_that_do_not_publish(client, users, enterprise, role):
    login(client, users[role])
    assert client.get("/demands/new/").status_code == 403
    response = client.post("/demands/new/", form_data(enterprise=enterprise.pk))
    assert response.status_code == 403
    assert not Demand.objects.exists()


@pytest.mark.django_db
def test_enterprise_cannot_create_for_another_enterprise(client, users, enterprise):
    login(client, users["other_enterprise"])
    response = client.post("/demands/new/", form_data(enterprise=enterprise.pk))
    assert response.status_code == 200  # the choice is not offered: a form error
    assert not Demand.objects.exists()


@pytest.mark.django_db
def test_authorised_tech_manager_creates_edits_publishes_and_closes(client, users, enterprise):
    manager = users["tech_manager"]
    enterprise.authorised_managers.add(manager)
    login(client, manager)
    assert client.get("/demands/new/").status_code == 200
    client.post("/demands/new/", form_data(enterprise=enterprise.pk))
    demand = Demand.objects.get()
    assert demand.enterprise == enterprise
    assert demand.manager == manager

    client.post(f"/demands/{demand.pk}/edit/", form_data(title="经理人修改后的标题"))
    client.post(f"/demands/{demand.pk}/publish/")
    demand.refresh_from_db()
    assert demand.title == "经理人修改后的标题"
    assert demand.status == Demand.Status.PUBLISHED
    client.post(f"/demands/{demand.pk}/close/", {"reason": "已找到合作方"})
    demand.refresh_from_db()
    assert demand.status == Demand.Status.CLOSED


@pytest.mark.django_db
def test_budget_range_error_is_shown_and_nothing_saved(client, users, enterprise):
    login(client, users["enterprise"])
    client.cookies["django_language"] = "en"
    response = client.post(
        "/demands/new/", form_data(enterprise=enterprise.pk, budget_min="80", budget_max="20")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The lower end of the budget range is above its upper end." in html
    assert 'class="errorlist"' in html
    assert not Demand.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_past_deadline_on_publish_is_shown_and_nothing_saved(client, users, enterprise):
    login(client, users["enterprise"])
    client.cookies["django_language"] = "en"
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(
        "/demands/new/", form_data(enterprise=enterprise.pk, deadline=past, publish="1")
    )
    assert response.status_code == 200
    assert "The deadline has passed" in response.content.decode()
    assert not Demand.objects.exists()


@pytest.mark.django_db
def test_missing_required_fields_show_errors(client, users, enterprise):
    login(client, users["enterprise"])
    response = client.post("/demands/new/", form_data(enterprise=enterprise.pk, title=""))
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()
    assert not Demand.objects.exists()


@pytest.mark.django_db
def test_edit_with_past_deadline_and_publish_changes_nothing(client, users, enterprise):
    demand = factories.DemandFactory(
        enterprise=enterprise, status=Demand.Status.DRAFT, published_at=None
    )
    old_title = demand.title
    login(client, users["enterprise"])
    past = (timezone.localdate() - datetime.timedelta(days=3)).isoformat()
    response = client.post(
        f"/demands/{demand.pk}/edit/", form_data(title="新标题", deadline=past, publish="1")
    )
    assert response.status_code == 200
    demand.refresh_from_db()
    assert demand.title == old_title
    assert demand.status == Demand.Status.DRAFT


@pytest.mark.django_db
def test_owner_edits(client, users, enterprise):
    demand = factories.DemandFactory(enterprise=enterprise)
    login(client, users["enterprise"])
    page = client.get(f"/demands/{demand.pk}/edit/").content.decode()
    assert demand.description in page
    response = client.post(f"/demands/{demand.pk}/edit/", form_data(budget_min="", budget_max=""))
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.title == "高温隔膜涂层配方优化"
    assert demand.budget_min is None
    assert demand.status == Demand.Status.PUBLISHED


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["other_enterprise", "researcher", "unit", "city_bureau", "tech_manager", "auditor"]
)
def test_edit_refused_for_non_owners(client, users, enterprise, role):
    demand = factories.DemandFactory(enterprise=enterprise)
    login(client, users[role])
    assert client.get(f"/demands/{demand.pk}/edit/").status_code == 403
    response = client.post(f"/demands/{demand.pk}/edit/", form_data(title="篡改"))
    assert response.status_code == 403
    demand.refresh_from_db()
    assert demand.title != "篡改"


@pytest.mark.django_db
def test_draft_of_another_enterprise_is_not_found(client, users, enterprise):
    demand = factories.DemandFactory(
        enterprise=enterprise, status=Demand.Status.DRAFT, published_at=None
    )
    login(client, users["other_enterprise"])
    assert client.get(f"/demands/{demand.pk}/edit/").status_code == 404
    assert client.post(f"/demands/{demand.pk}/publish/").status_code == 404
    demand.refresh_from_db()
    assert demand.status == Demand.Status.DRAFT


# Owner actions ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_owner_publishes_and_closes_with_reason(client, users, enterprise):
    demand = factories.DemandFactory(
        enterprise=enterprise, status=Demand.Status.DRAFT, published_at=None
    )
    login(client, users["enterprise"])
    response = client.post(f"/demands/{demand.pk}/publish/")
    assert response.status_code == 302
    demand.refresh_from_db()
    assert demand.status == Demand.Status.PUBLISHED
    client.post(f"/demands/{demand.pk}/close/", {"reason": "需求已解决"})
    demand.refresh_from_db()
    assert demand.status == Demand.Status.CLOSED
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CLOSE)
    assert entry.detail["reason"] == "需求已解决"


@pytest.mark.django_db
def test_publishing_twice_shows_an_error(client, users, enterprise):
    demand = factories.DemandFactory(enterprise=enterprise)
    login(client, users["enterprise"])
    client.cookies["django_language"] = "en"
    response = client.post(f"/demands/{demand.pk}/publish/", follow=True)
    assert "Only a draft can be published" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["other_enterprise", "researcher", "unit", "city_bureau", "tech_manager", "auditor"]
)
def test_close_and_publish_refused_for_non_owners(client, users, enterprise, role):
    demand = factories.DemandFactory(enterprise=enterprise)
    login(client, users[role])
    client.cookies["django_language"] = "en"
    response = client.post(f"/demands/{demand.pk}/close/", {"reason": "x"}, follow=True)
    assert "You may not close this demand." in response.content.decode()
    demand.refresh_from_db()
    assert demand.status == Demand.Status.PUBLISHED
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.CLOSE).exists()
    html = client.get(f"/demands/{demand.pk}/").content.decode()
    assert f"/demands/{demand.pk}/close/" not in html
    assert f"/demands/{demand.pk}/edit/" not in html


@pytest.mark.django_db
def test_actions_need_post(client, users, enterprise):
    demand = factories.DemandFactory(enterprise=enterprise, status=Demand.Status.DRAFT)
    login(client, users["enterprise"])
    assert client.get(f"/demands/{demand.pk}/publish/").status_code == 405
    demand.refresh_from_db()
    assert demand.status == Demand.Status.DRAFT


@pytest.mark.django_db
def test_owner_finds_and_invites_researcher(client, users, enterprise):
    from techbridge.talent.services import reindex

    researcher = users["researcher"].researcher
    reindex(researcher)
    demand = factories.DemandFactory(
        enterprise=enterprise, confidentiality=Demand.Confidentiality.INVITED
    )
    login(client, users["enterprise"])
    html = client.get(
        f"/demands/{demand.pk}/researchers/",
        {"researcher_q": researcher.name},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert f'value="{researcher.pk}"' in html
    client.post(f"/demands/{demand.pk}/invite/", {"researcher": researcher.pk})
    assert demand.accesses.get().researcher == researcher
    # A bad researcher id is an error message, not a crash.
    response = client.post(f"/demands/{demand.pk}/invite/", {"researcher": "abc"}, follow=True)
    assert response.status_code == 200
    assert demand.accesses.count() == 1


@pytest.mark.django_db
def test_enterprise_user_without_enterprise_is_sent_to_registration(client):
    newcomer = factories.UserFactory(organisation=None)
    login(client, newcomer)
    response = client.get("/demands/new/")
    assert response.status_code == 302
    assert response["Location"] == "/orgs/register/"


@pytest.mark.django_db
def test_opening_the_edit_form_of_a_protected_demand_is_audited(client, users, enterprise):
    demand = factories.DemandFactory(
        enterprise=enterprise, confidentiality=Demand.Confidentiality.CONFIDENTIAL
    )
    login(client, users["enterprise"])
    client.get(f"/demands/{demand.pk}/edit/")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEW_PROTECTED)
    assert entry.object_id == str(demand.pk)
    assert entry.actor == users["enterprise"]
