"""The dispatch pages, role by role: rounds and rules, the enterprise application with its
eligibility, the city review, sending to the units, researchers and units, the dispatch steps,
and refusals that change nothing."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.contrib.messages import get_messages
from django.urls import reverse

from techbridge.demands.models import Demand
from techbridge.dispatch import services
from techbridge.dispatch.models import (
    CommissionerApplication,
    Dispatch,
    EligibilityRule,
    EnterpriseApplication,
    Round,
)
from tests import factories
from tests.dispatch.conftest import CA, DS, EA

STEP_URLS = {
    EnterpriseApplication: "dispatch:enterprise_application_step",
    CommissionerApplication: "dispatch:commissioner_application_step",
    Dispatch: "dispatch:dispatch_step",
}


@pytest.fixture
def client(client, settings):
    """Pages in English (the source strings), whatever the catalogue translates."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def as_user(client, user):
    client.force_login(user)
    return client


def step(client, obj, action, **data):
    url = reverse(STEP_URLS[type(obj)], args=[obj.pk])
    return client.post(url, {"action": action, **data})


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def state_of(obj) -> str:
    return type(obj).objects.get(pk=obj.pk).state


def html(response) -> str:
    return response.content.decode()


# Rounds and rules -------------------------------------------------------------------------------


def round_post_data(**overrides):
    data = {
        "name": "2026年第二批企业科技特派员",
        "region": "370000",
        "publication_days": "7",
        "enforce_phases": "on",
        "commissioners_per_enterprise": "2",
        "enterprises_per_commissioner": "1",
        "max_enterprises_per_city": "10",
        "max_commissioners_per_unit": "",
    }
    for key, day in services.default_dates(datetime.date(2026, 3, 1)).items():
        data[key] = day.isoformat()
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_province_admin_opens_a_round_with_dates_quotas_and_default_rules(client, actors):
    factories.region("370000")
    as_user(client, actors["province_admin"])
    page = client.get(reverse("dispatch:rounds"))
    assert 'id="open-round"' in html(page)
    form = client.get(reverse("dispatch:round_create"))
    assert form.status_code == 200 and 'id="round-form"' in html(form)
    response = client.post(reverse("dispatch:round_create"), round_post_data())
    round_ = Round.objects.get(name="2026年第二批企业科技特派员")
    assert response.status_code == 302
    assert response["Location"] == reverse("dispatch:round", args=[round_.pk])
    assert round_.publication_days == 7
    assert round_.commissioners_per_enterprise == 2
    assert round_.max_enterprises_per_city == 10
    assert round_.max_commissioners_per_unit is None
    assert (
        round_.meetings_opens == services.default_dates(datetime.date(2026, 3, 1))["meetings_opens"]
    )
    assert round_.rules.count() == 6


@pytest.mark.django_db
def test_round_form_reports_a_phase_that_closes_before_it_opens(client, actors):
    factories.region("370000")
    as_user(client, actors["province_admin"])
    response = client.post(
        reverse("dispatch:round_create"),
        round_post_data(selection_opens="2026-09-01", selection_closes="2026-08-01"),
    )
    assert response.status_code == 200
    assert "Two-way selection closes before it opens." in html(response)
    assert not Round.objects.filter(name="2026年第二批企业科技特派员").exists()


@pytest.mark.django_db
def test_province_admin_cannot_open_a_round_outside_the_province(client, actors):
    factories.region("440000")
    as_user(client, actors["province_admin"])
    response = client.post(reverse("dispatch:round_create"), round_post_data(region="440000"))
    assert response.status_code == 200  # the region is not among the choices
    assert not Round.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", ["enterprise", "researcher", "unit", "city_bureau", "tech_manager", "auditor"]
)
def test_only_province_admins_open_rounds(client, actors, role):
    factories.region("370000")
    as_user(client, actors[role])
    assert client.get(reverse("dispatch:round_create")).status_code == 403
    assert client.post(reverse("dispatch:round_create"), round_post_data()).status_code == 403
    assert not Round.objects.exists()
    assert 'id="open-round"' not in html(client.get(reverse("dispatch:rounds")))


@pytest.mark.django_db
def test_province_admin_edits_dates_and_quotas(client, actors, round_):
    as_user(client, actors["province_admin"])
    data = round_post_data(name="改名后的批次", commissioners_per_enterprise="3")
    data.pop("region")
    assert client.get(reverse("dispatch:round_edit", args=[round_.pk])).status_code == 200
    response = client.post(reverse("dispatch:round_edit", args=[round_.pk]), data)
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.name == "改名后的批次"
    assert round_.commissioners_per_enterprise == 3
    assert (
        round_.selection_opens
        == services.default_dates(datetime.date(2026, 3, 1))["selection_opens"]
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["other_province_admin", "city_bureau", "enterprise"])
def test_others_cannot_edit_close_or_change_the_rules_of_a_round(client, actors, round_, role):
    as_user(client, actors[role])
    data = round_post_data(name="不该改")
    data.pop("region")
    assert client.get(reverse("dispatch:round_edit", args=[round_.pk])).status_code == 403
    assert client.post(reverse("dispatch:round_edit", args=[round_.pk]), data).status_code == 403
    assert client.get(reverse("dispatch:round_rules", args=[round_.pk])).status_code == 403
    response = client.post(
        reverse("dispatch:round_rules", args=[round_.pk]),
        {"rule": "commissioner_integrity", "commissioner_integrity-enabled": ""},
    )
    assert response.status_code == 403
    assert client.post(reverse("dispatch:round_close", args=[round_.pk])).status_code == 403
    round_.refresh_from_db()
    assert round_.name != "不该改" and round_.status == Round.Status.OPEN
    assert round_.rules.get(code="commissioner_integrity").enabled


@pytest.mark.django_db
def test_province_admin_switches_rules_and_changes_thresholds(client, actors, round_):
    as_user(client, actors["province_admin"])
    url = reverse("dispatch:round_rules", args=[round_.pk])
    page = client.get(url)
    assert 'id="rule-enterprise_min_years_registered"' in html(page)
    response = client.post(
        url,
        {
            "rule": "enterprise_min_years_registered",
            "enterprise_min_years_registered-enabled": "on",
            "enterprise_min_years_registered-min_years": "3",
        },
    )
    assert response.status_code == 302
    assert round_.rules.get(code="enterprise_min_years_registered").params == {"min_years": 3}
    client.post(url, {"rule": "commissioner_integrity"})  # the checkbox left empty
    assert not round_.rules.get(code="commissioner_integrity").enabled
    client.post(
        url,
        {
            "rule": "commissioner_degree_or_title",
            "commissioner_degree_or_title-enabled": "on",
            "commissioner_degree_or_title-degrees": ["doctorate", "master"],
            "commissioner_degree_or_title-min_title_level": "",
        },
    )
    rule = EligibilityRule.objects.get(round=round_, code="commissioner_degree_or_title")
    assert rule.params == {"degrees": ["doctorate", "master"], "min_title_level": None}


@pytest.mark.django_db
def test_a_bad_threshold_is_reported_and_changes_nothing(client, actors, round_):
    as_user(client, actors["province_admin"])
    response = client.post(
        reverse("dispatch:round_rules", args=[round_.pk]),
        {
            "rule": "enterprise_min_years_registered",
            "enterprise_min_years_registered-enabled": "on",
            "enterprise_min_years_registered-min_years": "99",
        },
    )
    assert response.status_code == 200
    assert "errorlist" in html(response)
    assert round_.rules.get(code="enterprise_min_years_registered").params == {"min_years": 1}


@pytest.mark.django_db
def test_province_admin_closes_a_round(client, actors, round_):
    as_user(client, actors["province_admin"])
    page = client.get(reverse("dispatch:round", args=[round_.pk]))
    assert 'id="close-round"' in html(page)
    client.post(reverse("dispatch:round_close", args=[round_.pk]))
    round_.refresh_from_db()
    assert round_.status == Round.Status.CLOSED
    again = client.post(reverse("dispatch:round_close", args=[round_.pk]))
    assert "The round is already closed." in messages_of(again)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [
        "enterprise",
        "other_enterprise",
        "researcher",
        "unit",
        "city_bureau",
        "province_admin",
        "tech_manager",
        "auditor",
    ],
)
def test_every_role_reads_the_round_dashboard(client, actors, flow, role):
    flow.to("enterprise_application", EA.SUBMITTED)
    as_user(client, actors[role])
    response = client.get(reverse("dispatch:round", args=[flow.round.pk]))
    assert response.status_code == 200
    page = html(response)
    assert 'id="counts-enterprise_application"' in page
    assert ('id="edit-round"' in page) is (role == "province_admin")


SELECTION_LINKS = {
    "province_admin": ('id="two-way-selection"', "selection-province"),
    "enterprise": ('id="rank-candidates"', "selection-enterprise"),
    "researcher": ('id="rank-enterprises"', "selection-researcher"),
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role",
    [
        "enterprise",
        "other_enterprise",
        "researcher",
        "unit",
        "city_bureau",
        "province_admin",
        "other_province_admin",
        "tech_manager",
        "auditor",
    ],
)
def test_the_round_and_the_index_link_the_selection_pages_to_who_may_use_them(
    client, actors, flow, role
):
    flow.to("commissioner_application", CA.UNIT_APPROVED)
    as_user(client, actors[role])
    round_page = html(client.get(reverse("dispatch:round", args=[flow.round.pk])))
    index_page = html(client.get(reverse("dispatch:index")))
    for owner, (round_link, index_link) in SELECTION_LINKS.items():
        assert (round_link in round_page) is (role == owner), owner
        assert (f'id="{index_link}"' in index_page) is (role == owner), owner
    if role in SELECTION_LINKS:
        href = {
            "province_admin": reverse("dispatch:selection:round", args=[flow.round.pk]),
            "enterprise": reverse(
                "dispatch:selection:enterprise_ranking", args=[flow.enterprise_application.pk]
            ),
            "researcher": reverse("dispatch:selection:researcher_ranking", args=[flow.round.pk]),
        }[role]
        assert f'href="{href}"' in round_page
        assert client.get(href).status_code == 200


@pytest.mark.django_db
def test_dashboard_counts_what_the_user_may_see_per_state(client, actors, flow):
    flow.to("enterprise_application", EA.SUBMITTED)
    as_user(client, actors["city_bureau"])
    response = client.get(reverse("dispatch:round", args=[flow.round.pk]))
    counts = {kind: dict((s, n) for s, _label, n in states) for kind, _l, _u, states in
              response.context["counts"]}  # fmt: skip
    assert counts["enterprise_application"]["submitted"] == 1
    assert counts["enterprise_application"]["draft"] == 0
    as_user(client, actors["other_city_bureau"])
    response = client.get(reverse("dispatch:round", args=[flow.round.pk]))
    counts = {kind: dict((s, n) for s, _label, n in states) for kind, _l, _u, states in
              response.context["counts"]}  # fmt: skip
    assert counts["enterprise_application"]["submitted"] == 0


# The enterprise application --------------------------------------------------------------------


@pytest.mark.django_db
def test_enterprise_creates_an_application_sees_a_failing_rule_then_fixes_and_submits(
    client, actors, round_, demand
):
    as_user(client, actors["enterprise"])
    dashboard = client.get(reverse("dispatch:round", args=[round_.pk]))
    assert 'id="apply"' in html(dashboard)
    form = client.get(reverse("dispatch:apply", args=[round_.pk]))
    assert demand.title in html(form) and 'id="new-demand"' in html(form)
    response = client.post(
        reverse("dispatch:apply", args=[round_.pk]),
        {"demand": demand.pk, "conditions": "提供办公室"},
    )
    application = EnterpriseApplication.objects.get(round=round_)
    assert response["Location"] == application.get_absolute_url()
    assert application.state == EA.DRAFT

    page = html(client.get(application.get_absolute_url()))
    # Before submitting: which rule fails and why.
    assert 'data-rule="enterprise_conditions_committed"' in page
    assert "Requires a commitment to provide the commissioner&#x27;s post" in page
    assert "no commitment made" in page
    assert 'value="submit"' in page and 'id="edit-application"' in page

    refused = step(client, application, "submit")
    assert any("Not eligible" in m for m in messages_of(refused))
    assert state_of(application) == EA.DRAFT

    client.post(
        reverse("dispatch:enterprise_application_edit", args=[application.pk]),
        {"demand": demand.pk, "conditions_committed": "on", "conditions": "提供办公室和实验室"},
    )
    application.refresh_from_db()
    assert application.conditions_committed and application.conditions == "提供办公室和实验室"
    page = html(client.get(application.get_absolute_url()))
    assert "Every rule of the round is met." in page
    step(client, application, "submit")
    assert state_of(application) == EA.SUBMITTED
    page = html(client.get(application.get_absolute_url()))
    assert 'id="edit-application"' not in page and 'value="submit"' not in page
    assert 'value="withdraw"' in page


@pytest.mark.django_db
def test_an_enterprise_applies_once_per_round(client, actors, flow):
    flow.to("enterprise_application", EA.DRAFT)
    as_user(client, actors["enterprise"])
    response = client.post(
        reverse("dispatch:apply", args=[flow.round.pk]),
        {"demand": flow.demand.pk, "conditions_committed": "on"},
    )
    assert response.status_code == 200
    assert "has already applied in this round" in html(response)
    assert EnterpriseApplication.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["researcher", "unit", "city_bureau", "auditor"])
def test_only_enterprises_apply_to_host(client, actors, round_, demand, role):
    as_user(client, actors[role])
    assert client.get(reverse("dispatch:apply", args=[round_.pk])).status_code == 403
    response = client.post(reverse("dispatch:apply", args=[round_.pk]), {"demand": demand.pk})
    assert response.status_code == 403
    assert not EnterpriseApplication.objects.exists()


@pytest.mark.django_db
def test_another_enterprise_cannot_use_a_foreign_demand_or_edit(client, actors, flow):
    application = flow.to("enterprise_application", EA.DRAFT)
    as_user(client, actors["other_enterprise"])
    response = client.post(
        reverse("dispatch:apply", args=[flow.round.pk]), {"demand": flow.demand.pk}
    )
    assert response.status_code == 200 and "errorlist" in html(response)
    url = reverse("dispatch:enterprise_application_edit", args=[application.pk])
    assert client.post(url, {"demand": flow.demand.pk}).status_code == 404
    assert EnterpriseApplication.objects.count() == 1


@pytest.mark.django_db
def test_the_authorised_tech_manager_acts_for_the_enterprise(client, actors, round_, demand):
    manager = actors["tech_manager"]
    demand.enterprise.authorised_managers.add(manager)
    as_user(client, manager)
    client.post(
        reverse("dispatch:apply", args=[round_.pk]),
        {"demand": demand.pk, "conditions_committed": "on"},
    )
    application = EnterpriseApplication.objects.get(round=round_)
    step(client, application, "submit")
    assert state_of(application) == EA.SUBMITTED


# The city bureau's review -----------------------------------------------------------------------


@pytest.mark.django_db
def test_city_bureau_queue_and_detail_with_protected_demand_details(client, actors, flow):
    flow.demand.confidentiality = Demand.Confidentiality.CONFIDENTIAL
    flow.demand.description = "保密的浆料配方细节"
    flow.demand.save()
    application = flow.to("enterprise_application", EA.SUBMITTED)
    as_user(client, actors["city_bureau"])
    queue = html(client.get(reverse("dispatch:enterprise_applications") + "?state=submitted"))
    assert application.get_absolute_url() in queue
    page = html(client.get(application.get_absolute_url()))
    assert "保密的浆料配方细节" in page
    for action in ("approve", "return", "reject"):
        assert f'value="{action}"' in page
    # The researcher does not see this application before it is sent to the units.
    as_user(client, actors["researcher"])
    assert client.get(application.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_city_bureau_approves(client, actors, flow):
    application = flow.to("enterprise_application", EA.SUBMITTED)
    as_user(client, actors["city_bureau"])
    response = step(client, application, "approve", comment="材料齐全")
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == EA.APPROVED and application.review_comment == "材料齐全"
    page = html(client.get(application.get_absolute_url()))
    assert "材料齐全" in page and 'data-action="approve"' in page


@pytest.mark.django_db
def test_return_and_reject_need_a_comment(client, actors, flow):
    application = flow.to("enterprise_application", EA.SUBMITTED)
    as_user(client, actors["city_bureau"])
    for action in ("return", "reject"):
        response = step(client, application, action, comment="  ")
        assert any("needs a comment" in m for m in messages_of(response))
        assert state_of(application) == EA.SUBMITTED
    step(client, application, "return", comment="请补充工作条件说明")
    assert state_of(application) == EA.RETURNED
    # Returned: the enterprise may edit and submit again.
    as_user(client, actors["enterprise"])
    page = html(client.get(application.get_absolute_url()))
    assert 'id="edit-application"' in page and "请补充工作条件说明" in page
    step(client, application, "submit")
    as_user(client, actors["city_bureau"])
    step(client, application, "reject", comment="不符合条件")
    assert state_of(application) == EA.REJECTED


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "statuses"),
    [
        ("enterprise", {403}),
        ("province_admin", {403}),
        ("other_city_bureau", {404}),
        ("researcher", {404}),
        ("unit", {404}),
        ("auditor", {404}),
        ("other_enterprise", {404}),
    ],
)
def test_only_the_city_bureau_of_the_city_reviews(client, actors, flow, role, statuses):
    application = flow.to("enterprise_application", EA.SUBMITTED)
    as_user(client, actors[role])
    for action in ("approve", "return", "reject"):
        response = step(client, application, action, comment="越权")
        assert response.status_code in statuses
        assert state_of(application) == EA.SUBMITTED
    if 403 in statuses:
        assert "city bureau" in html(response)


# The province sends to the units ---------------------------------------------------------------


@pytest.mark.django_db
def test_province_sends_the_selected_approved_applications_to_the_units(client, actors, flow):
    application = flow.to("enterprise_application", EA.APPROVED)
    as_user(client, actors["province_admin"])
    queue = html(client.get(reverse("dispatch:enterprise_applications") + "?state=approved"))
    assert f'id="send-{application.pk}"' in queue and 'id="button-send_to_units"' in queue
    response = client.post(reverse("dispatch:send_to_units"), {"applications": [application.pk]})
    assert response.status_code == 302
    assert state_of(application) == EA.DISPATCHED
    assert any("1 application(s) were sent" in m for m in messages_of(response))
    listed = html(client.get(reverse("dispatch:enterprise_applications") + "?state=dispatched"))
    assert application.get_absolute_url() in listed


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["city_bureau", "enterprise", "other_province_admin", "unit"])
def test_others_cannot_send_to_the_units(client, actors, flow, role):
    application = flow.to("enterprise_application", EA.APPROVED)
    as_user(client, actors[role])
    queue = html(client.get(reverse("dispatch:enterprise_applications") + "?state=approved"))
    assert 'id="button-send_to_units"' not in queue
    client.post(reverse("dispatch:send_to_units"), {"applications": [application.pk]})
    assert state_of(application) == EA.APPROVED


# Researchers and units ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_researcher_browses_with_masked_demand_applies_and_submits(client, actors, flow):
    flow.demand.confidentiality = Demand.Confidentiality.CONFIDENTIAL
    flow.demand.description = "保密的浆料配方细节"
    flow.demand.save()
    application = flow.to("enterprise_application", EA.DISPATCHED)
    as_user(client, actors["researcher"])
    listed = html(client.get(reverse("dispatch:enterprise_applications") + "?state=dispatched"))
    assert application.get_absolute_url() in listed
    page = html(client.get(application.get_absolute_url()))
    assert flow.demand.title in page
    assert "保密的浆料配方细节" not in page
    assert 'id="apply-as-commissioner"' in page
    url = reverse("dispatch:commissioner_application_create", args=[application.pk])
    form = html(client.get(url))
    assert 'id="commissioner-application-form"' in form and 'id="eligibility"' in form
    missing = client.post(url, {"statement": "", "plan": "每月驻企五天", "submit": "1"})
    assert missing.status_code == 200 and not CommissionerApplication.objects.exists()
    response = client.post(
        url, {"statement": "十年隔膜研究经验", "plan": "每月驻企五天", "submit": "1"}
    )
    mine = CommissionerApplication.objects.get()
    assert response["Location"] == mine.get_absolute_url()
    assert mine.state == CA.SUBMITTED and mine.statement == "十年隔膜研究经验"
    own = html(client.get(reverse("dispatch:commissioner_applications")))
    assert mine.get_absolute_url() in own
    page = html(client.get(application.get_absolute_url()))
    assert 'id="own-application"' in page and 'id="apply-as-commissioner"' not in page


@pytest.mark.django_db
def test_researcher_saves_a_draft_edits_it_and_submits(client, actors, flow):
    application = flow.to("enterprise_application", EA.DISPATCHED)
    as_user(client, actors["researcher"])
    url = reverse("dispatch:commissioner_application_create", args=[application.pk])
    client.post(url, {"statement": "初稿", "plan": "计划"})
    mine = CommissionerApplication.objects.get()
    assert mine.state == CA.DRAFT
    edit = reverse("dispatch:commissioner_application_edit", args=[mine.pk])
    client.post(edit, {"statement": "修改稿", "plan": "计划"})
    mine.refresh_from_db()
    assert mine.statement == "修改稿"
    step(client, mine, "submit")
    assert state_of(mine) == CA.SUBMITTED


@pytest.mark.django_db
def test_an_ineligible_researcher_sees_why_and_submission_is_refused(client, actors, flow):
    application = flow.to("enterprise_application", EA.DISPATCHED)
    researcher = actors["researcher"].researcher
    researcher.degree = "master"
    researcher.title_level = "intermediate"
    researcher.save()
    as_user(client, actors["researcher"])
    url = reverse("dispatch:commissioner_application_create", args=[application.pk])
    assert "Requires a doctorate or a deputy-senior title or above" in html(client.get(url))
    response = client.post(url, {"statement": "陈述", "plan": "计划", "submit": "1"})
    mine = CommissionerApplication.objects.get()
    assert response["Location"] == mine.get_absolute_url()
    assert any("Not eligible" in m for m in messages_of(response))
    assert mine.state == CA.DRAFT


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["enterprise", "unit", "city_bureau", "province_admin"])
def test_only_researchers_apply_as_commissioners(client, actors, flow, role):
    application = flow.to("enterprise_application", EA.DISPATCHED)
    as_user(client, actors[role])
    url = reverse("dispatch:commissioner_application_create", args=[application.pk])
    response = client.post(url, {"statement": "陈述", "plan": "计划"})
    assert response.status_code == 403
    assert not CommissionerApplication.objects.exists()


@pytest.mark.django_db
def test_unit_queue_approve_and_reject_with_comment(client, actors, flow):
    candidate = flow.to("commissioner_application", CA.SUBMITTED)
    as_user(client, actors["unit"])
    queue = html(client.get(reverse("dispatch:commissioner_applications") + "?state=submitted"))
    assert candidate.get_absolute_url() in queue
    page = html(client.get(candidate.get_absolute_url()))
    assert 'value="unit_approve"' in page and 'value="unit_reject"' in page
    response = step(client, candidate, "unit_reject")
    assert any("needs a comment" in m for m in messages_of(response))
    assert state_of(candidate) == CA.SUBMITTED
    step(client, candidate, "unit_approve", comment="同意推荐")
    candidate.refresh_from_db()
    assert candidate.state == CA.UNIT_APPROVED and candidate.unit_comment == "同意推荐"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "statuses"),
    [("other_unit", {404}), ("researcher", {403}), ("province_admin", {403}),
     ("enterprise", {404}), ("city_bureau", {404})],
)  # fmt: skip
def test_only_the_researchers_unit_reviews(client, actors, flow, role, statuses):
    candidate = flow.to("commissioner_application", CA.SUBMITTED)
    as_user(client, actors[role])
    for action in ("unit_approve", "unit_reject"):
        assert step(client, candidate, action, comment="越权").status_code in statuses
        assert state_of(candidate) == CA.SUBMITTED


# Dispatch pages -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_province_selects_by_hand_only_with_a_reason(client, actors, flow):
    candidate = flow.to("commissioner_application", CA.UNIT_APPROVED)
    as_user(client, actors["province_admin"])
    response = step(client, candidate, "select")
    assert any("An override needs a reason." in m for m in messages_of(response))
    assert state_of(candidate) == CA.UNIT_APPROVED
    step(client, candidate, "select", comment="双向选择结果调整")
    assert state_of(candidate) == CA.SELECTED
    dispatch = Dispatch.objects.get(commissioner_application=candidate)
    assert dispatch.selection_method == "override"


@pytest.mark.django_db
def test_city_bureau_runs_the_meeting_intention_and_filing(client, actors, flow):
    dispatch = flow.to("dispatch", DS.SELECTED)
    as_user(client, actors["city_bureau"])
    page = html(client.get(dispatch.get_absolute_url()))
    assert 'id="step-schedule_meeting"' in page and 'value="cancel"' in page
    missing = step(client, dispatch, "schedule_meeting", place="科技局三楼")
    assert any("Give the date and time of the meeting." in m for m in messages_of(missing))
    assert state_of(dispatch) == DS.SELECTED
    step(client, dispatch, "schedule_meeting", scheduled_at="2026-06-01T09:30", place="科技局三楼")
    dispatch.refresh_from_db()
    assert dispatch.state == DS.MEETING_SCHEDULED and dispatch.meeting.place == "科技局三楼"
    missing = step(client, dispatch, "hold_meeting")
    assert state_of(dispatch) == DS.MEETING_SCHEDULED
    assert any("Record whether the meeting" in m for m in messages_of(missing))
    step(client, dispatch, "hold_meeting", outcome="agreed", notes="双方同意合作")
    step(client, dispatch, "confirm_intention")
    step(client, dispatch, "file")
    dispatch.refresh_from_db()
    assert dispatch.state == DS.FILED and dispatch.meeting.notes == "双方同意合作"
    page = html(client.get(dispatch.get_absolute_url()))
    for action in ("create", "schedule_meeting", "hold_meeting", "confirm_intention", "file"):
        assert f'data-action="{action}"' in page


@pytest.mark.django_db
def test_several_candidates_meet_the_enterprise_at_one_meeting(client, actors, round_, demand):
    round_.commissioners_per_enterprise = 2
    round_.save()
    ea = services.create_enterprise_application(
        actor=actors["enterprise"], round_=round_, demand=demand, conditions_committed=True
    )
    services.transition(obj=ea, action="submit", actor=actors["enterprise"])
    services.transition(obj=ea, action="approve", actor=actors["city_bureau"])
    services.transition(obj=ea, action="send_to_units", actor=actors["province_admin"])
    dispatches = []
    for user in (actors["researcher"], _second_researcher(actors)):
        ca = services.create_commissioner_application(actor=user, enterprise_application=ea)
        services.transition(obj=ca, action="submit", actor=user)
        services.transition(obj=ca, action="unit_approve", actor=actors["unit"])
        dispatches.append(services.record_selection(actor=actors["province_admin"], application=ca))
    first, second = dispatches
    as_user(client, actors["city_bureau"])
    step(client, first, "schedule_meeting", scheduled_at="2026-06-01T09:30", place="会议室")
    first.refresh_from_db()
    page = html(client.get(second.get_absolute_url()))
    assert 'id="schedule_meeting-meeting"' in page
    step(client, second, "schedule_meeting", meeting=first.meeting_id)
    second.refresh_from_db()
    assert second.meeting_id == first.meeting_id
    assert first.meeting.commissioner_applications.count() == 2


def _second_researcher(actors):
    from techbridge.accounts.models import Role

    unit = actors["unit"].organisation
    user = factories.UserFactory(role=Role.RESEARCHER, organisation=unit)
    factories.ResearcherFactory(unit=unit, user=user)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "statuses"),
    [("enterprise", {403}), ("researcher", {403}), ("unit", {403}),
     ("province_admin", {403}), ("other_city_bureau", {404})],
)  # fmt: skip
def test_only_the_city_bureau_schedules_and_records_meetings(client, actors, flow, role, statuses):
    dispatch = flow.to("dispatch", DS.SELECTED)
    as_user(client, actors[role])
    response = step(
        client, dispatch, "schedule_meeting", scheduled_at="2026-06-01T09:30", place="某地"
    )
    assert response.status_code in statuses
    assert state_of(dispatch) == DS.SELECTED
    assert not Dispatch.objects.get(pk=dispatch.pk).meeting_id


@pytest.mark.django_db
def test_publication_objection_resolution_and_agreement(client, actors, flow):
    dispatch = flow.to("dispatch", DS.FILED)
    as_user(client, actors["province_admin"])
    step(client, dispatch, "start_publication")
    assert state_of(dispatch) == DS.IN_PUBLICATION
    services.lodge_objection(
        dispatch=dispatch, reason="该专家已在另一企业任职", contact="13800000000"
    )
    page = html(client.get(dispatch.get_absolute_url()))
    assert "该专家已在另一企业任职" in page and "13800000000" in page
    objection = dispatch.objections.get()
    refused = step(client, dispatch, "pass_publication")
    assert any("objection(s) must be resolved" in m for m in messages_of(refused))
    assert state_of(dispatch) == DS.IN_PUBLICATION
    client.post(
        reverse("dispatch:objection_resolve", args=[objection.pk]),
        {"resolution": "dismissed", "comment": "经核实不属实"},
    )
    objection.refresh_from_db()
    assert objection.resolution == "dismissed"
    step(client, dispatch, "pass_publication")
    assert state_of(dispatch) == DS.AGREEMENT_PENDING
    _generate_agreement(actors["province_admin"], dispatch)
    for role in ("enterprise", "researcher", "unit"):
        as_user(client, actors[role])
        page = html(client.get(dispatch.get_absolute_url()))
        assert 'value="confirm_agreement"' in page and 'id="agreement"' in page
        step(client, dispatch, "confirm_agreement")
        again = html(client.get(dispatch.get_absolute_url()))
        assert 'value="confirm_agreement"' not in again
    dispatch.refresh_from_db()
    assert dispatch.state == DS.IN_SERVICE and dispatch.all_parties_confirmed


def _generate_agreement(actor, dispatch):
    """The agreements app, when installed, shows the confirmation next to its document."""
    if not apps.is_installed("techbridge.agreements"):
        return
    from techbridge.agreements.services import generate_agreement

    generate_agreement(actor=actor, dispatch=dispatch)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["city_bureau", "enterprise", "unit", "other_province_admin"])
def test_only_the_province_resolves_objections(client, actors, flow, role):
    dispatch = flow.to("dispatch", DS.IN_PUBLICATION)
    objection = services.lodge_objection(dispatch=dispatch, reason="有异议的理由", contact="x@y.cn")
    as_user(client, actors[role])
    response = client.post(
        reverse("dispatch:objection_resolve", args=[objection.pk]),
        {"resolution": "upheld", "comment": "越权"},
    )
    assert response.status_code in (403, 404)
    objection.refresh_from_db()
    assert objection.is_open and state_of(dispatch) == DS.IN_PUBLICATION
    # Only the province sees who objected.
    if response.status_code != 404:
        assert "x@y.cn" not in html(client.get(dispatch.get_absolute_url()))


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["city_bureau", "province_admin"])
def test_bureau_or_province_cancels_with_a_reason(client, actors, flow, role):
    dispatch = flow.to("dispatch", DS.MEETING_SCHEDULED)
    as_user(client, actors[role])
    response = step(client, dispatch, "cancel")
    assert any("needs a comment" in m for m in messages_of(response))
    assert state_of(dispatch) == DS.MEETING_SCHEDULED
    step(client, dispatch, "cancel", comment="企业经营异常")
    assert state_of(dispatch) == DS.CANCELLED


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["enterprise", "researcher", "unit"])
def test_the_parties_cannot_cancel(client, actors, flow, role):
    dispatch = flow.to("dispatch", DS.MEETING_SCHEDULED)
    as_user(client, actors[role])
    assert 'value="cancel"' not in html(client.get(dispatch.get_absolute_url()))
    assert step(client, dispatch, "cancel", comment="不想去了").status_code == 403
    assert state_of(dispatch) == DS.MEETING_SCHEDULED


@pytest.mark.django_db
def test_a_refused_step_in_the_wrong_state_shows_the_reason(client, actors, flow):
    application = flow.to("enterprise_application", EA.APPROVED)
    as_user(client, actors["city_bureau"])
    response = step(client, application, "approve")
    assert response.status_code == 302
    assert any("is not possible while" in m for m in messages_of(response))
    assert state_of(application) == EA.APPROVED


@pytest.mark.django_db
def test_a_step_outside_its_phase_is_refused_with_the_dates(client, actors, flow):
    application = flow.to("enterprise_application", EA.SUBMITTED)
    Round.objects.filter(pk=flow.round.pk).update(
        enforce_phases=True,
        city_review_opens=datetime.date(2020, 1, 1),
        city_review_closes=datetime.date(2020, 1, 31),
    )
    as_user(client, actors["city_bureau"])
    page = html(client.get(application.get_absolute_url()))
    assert 'value="approve"' not in page
    response = step(client, application, "approve")
    assert any("is allowed only during" in m for m in messages_of(response))
    assert state_of(application) == EA.SUBMITTED


@pytest.mark.django_db
def test_an_unknown_action_is_refused(client, actors, flow):
    application = flow.to("enterprise_application", EA.SUBMITTED)
    as_user(client, actors["city_bureau"])
    response = step(client, application, "explode")
    assert any("is not a step of this workflow" in m for m in messages_of(response))
    assert state_of(application) == EA.SUBMITTED


@pytest.mark.django_db
def test_lists_and_detail_pages_need_a_sign_in(client, flow):
    application = flow.to("enterprise_application", EA.SUBMITTED)
    for url in (
        reverse("dispatch:rounds"),
        reverse("dispatch:enterprise_applications"),
        application.get_absolute_url(),
    ):
        assert client.get(url).status_code == 302
    assert step(client, application, "approve").status_code == 302
    assert state_of(application) == EA.SUBMITTED


@pytest.mark.django_db
def test_the_city_bureaus_to_do_leads_to_the_application_with_its_buttons(client, actors, flow):
    application = flow.to("enterprise_application", EA.SUBMITTED)
    as_user(client, actors["city_bureau"])
    todos = html(client.get(reverse("notifications:todos")))
    assert application.get_absolute_url() in todos
    page = html(client.get(application.get_absolute_url()))
    assert 'id="button-approve"' in page
