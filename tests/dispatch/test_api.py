"""The dispatch API: rounds, the applications a caller may see, one with its timeline and
available steps, and taking a step with the service's refusals as 403, 404, 409 or 422."""

from __future__ import annotations

import pytest
from django.test import Client

from techbridge.dispatch.models import Meeting, Transition
from tests.dispatch.conftest import CA, DS, EA, MEETING


@pytest.fixture
def api(settings):
    """``api(user)``: a client signed in with the user's session, answering in English."""

    def make(user=None) -> Client:
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        if user is not None:
            client.force_login(user)
        return client

    return make


def post_step(client, kind, obj, action, comment="", **params):
    return client.post(
        f"/api/dispatch/{kind}/{obj.pk}/transitions",
        {"action": action, "comment": comment, "params": params},
        content_type="application/json",
    )


@pytest.mark.django_db
def test_rounds_are_listed_for_signed_in_users_only(api, actors, round_):
    response = api(actors["researcher"]).get("/api/dispatch/rounds")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["name"] == round_.name and item["region_code"] == "370000"
    assert len(item["phases"]) == 6
    assert item["phases"][0]["phase"] == "enterprise_applications"
    assert api().get("/api/dispatch/rounds").status_code == 401


@pytest.mark.django_db
def test_applications_are_filtered_by_what_the_caller_may_see(api, actors, flow):
    application = flow.to("enterprise_application", EA.SUBMITTED)

    def ids(user, **query):
        response = api(user).get("/api/dispatch/applications", query)
        assert response.status_code == 200
        return [item["id"] for item in response.json()["items"]]

    assert ids(actors["city_bureau"]) == [application.pk]
    assert ids(actors["city_bureau"], state="submitted") == [application.pk]
    assert ids(actors["city_bureau"], state="approved") == []
    assert ids(actors["province_admin"], round=flow.round.pk) == [application.pk]
    assert ids(actors["other_city_bureau"]) == []
    assert ids(actors["researcher"]) == []
    assert ids(actors["other_enterprise"]) == []
    assert ids(actors["enterprise"], type="commissioner_application") == []


@pytest.mark.django_db
def test_one_application_with_timeline_eligibility_and_available_actions(api, actors, flow):
    application = flow.to("enterprise_application", EA.SUBMITTED)
    response = api(actors["city_bureau"]).get(
        f"/api/dispatch/enterprise_application/{application.pk}"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "submitted"
    assert [a["action"] for a in body["actions"]] == ["approve", "return", "reject"]
    assert {a["action"]: a["comment_required"] for a in body["actions"]}["return"] is True
    assert [(t["action"], t["from_state"], t["to_state"]) for t in body["timeline"]] == [
        ("create", "", "draft"),
        ("submit", "draft", "submitted"),
    ]
    assert body["timeline"][1]["actor_id"] == actors["enterprise"].pk
    assert all(rule["passed"] for rule in body["eligibility"])
    assert body["fields"]["demand_id"] == flow.demand.pk
    # The enterprise sees its own application but has no step to take on it but withdrawing.
    body = (
        api(actors["enterprise"])
        .get(f"/api/dispatch/enterprise_application/{application.pk}")
        .json()
    )
    assert [a["action"] for a in body["actions"]] == ["withdraw"]
    # Invisible: 404.
    response = api(actors["other_city_bureau"]).get(
        f"/api/dispatch/enterprise_application/{application.pk}"
    )
    assert response.status_code == 404
    assert api(actors["city_bureau"]).get("/api/dispatch/nonsense/1").status_code == 422


@pytest.mark.django_db
def test_a_step_is_taken_and_refusals_carry_the_services_reason(api, actors, flow):
    application = flow.to("enterprise_application", EA.SUBMITTED)
    bureau = api(actors["city_bureau"])
    kind = "enterprise_application"

    response = post_step(bureau, kind, application, "return")
    assert response.status_code == 422
    assert "needs a comment" in response.json()["detail"]
    assert response.json()["field"] == "comment"

    response = post_step(bureau, kind, application, "approve", unexpected="x")
    assert response.status_code == 422 and "Unexpected details" in response.json()["detail"]

    response = post_step(api(actors["enterprise"]), kind, application, "approve")
    assert response.status_code == 403 and "city bureau" in response.json()["detail"]

    application.refresh_from_db()
    assert application.state == EA.SUBMITTED

    response = post_step(bureau, kind, application, "approve", comment="同意")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "approved" and body["timeline"][-1]["comment"] == "同意"

    response = post_step(bureau, kind, application, "approve")
    assert response.status_code == 409 and "is not possible while" in response.json()["detail"]
    response = post_step(bureau, kind, application, "explode")
    assert response.status_code == 409


@pytest.mark.django_db
def test_meetings_over_the_api_including_joining_an_existing_one(api, actors, flow):
    dispatch = flow.to("dispatch", DS.SELECTED)
    bureau = api(actors["city_bureau"])
    response = post_step(bureau, "dispatch", dispatch, "schedule_meeting", place="会议室")
    assert response.status_code == 422 and response.json()["field"] == "scheduled_at"
    response = post_step(bureau, "dispatch", dispatch, "schedule_meeting", meeting=12345)
    assert response.status_code == 422 and response.json()["field"] == "meeting"
    response = post_step(bureau, "dispatch", dispatch, "schedule_meeting", **MEETING)
    assert response.status_code == 200
    assert response.json()["fields"]["meeting_place"] == MEETING["place"]
    assert Meeting.objects.count() == 1
    response = post_step(bureau, "dispatch", dispatch, "hold_meeting", outcome="agreed")
    assert response.json()["state"] == "meeting_held"


@pytest.mark.django_db
def test_selecting_by_hand_over_the_api_needs_a_reason(api, actors, flow):
    candidate = flow.to("commissioner_application", CA.UNIT_APPROVED)
    province = api(actors["province_admin"])
    kind = "commissioner_application"
    response = post_step(province, kind, candidate, "select", method="override")
    assert response.status_code == 422 and response.json()["field"] == "comment"
    response = post_step(province, kind, candidate, "select", method="override", place="x")
    assert response.status_code == 422
    candidate.refresh_from_db()
    assert candidate.state == CA.UNIT_APPROVED
    response = post_step(province, kind, candidate, "select", "结果调整", method="override")
    assert response.status_code == 200 and response.json()["state"] == "selected"


# Every role is refused every step it does not own -------------------------------------------------

# (kind, action, state the object is brought to, the actors who own the step, comment, params)
STEPS = [
    ("enterprise_application", "submit", EA.DRAFT, {"enterprise"}, {}),
    ("enterprise_application", "withdraw", EA.SUBMITTED, {"enterprise"}, {}),
    ("enterprise_application", "approve", EA.SUBMITTED, {"city_bureau"}, {}),
    ("enterprise_application", "return", EA.SUBMITTED, {"city_bureau"}, {}),
    ("enterprise_application", "reject", EA.SUBMITTED, {"city_bureau"}, {}),
    ("enterprise_application", "send_to_units", EA.APPROVED, {"province_admin"}, {}),
    ("commissioner_application", "submit", CA.DRAFT, {"researcher"}, {}),
    ("commissioner_application", "withdraw", CA.SUBMITTED, {"researcher"}, {}),
    ("commissioner_application", "unit_approve", CA.SUBMITTED, {"unit"}, {}),
    ("commissioner_application", "unit_reject", CA.SUBMITTED, {"unit"}, {}),
    ("commissioner_application", "select", CA.UNIT_APPROVED, {"province_admin"},
     {"method": "override"}),
    ("commissioner_application", "not_select", CA.UNIT_APPROVED, {"province_admin"},
     {"method": "override"}),
    ("commissioner_application", "override_select", CA.NOT_SELECTED, {"province_admin"}, {}),
    ("dispatch", "schedule_meeting", DS.SELECTED, {"city_bureau"}, MEETING),
    ("dispatch", "hold_meeting", DS.MEETING_SCHEDULED, {"city_bureau"}, {"outcome": "agreed"}),
    ("dispatch", "confirm_intention", DS.MEETING_HELD, {"city_bureau"}, {}),
    ("dispatch", "file", DS.INTENTION_CONFIRMED, {"city_bureau"}, {}),
    ("dispatch", "start_publication", DS.FILED, {"province_admin"}, {}),
    ("dispatch", "pass_publication", DS.IN_PUBLICATION, {"province_admin"}, {}),
    ("dispatch", "confirm_agreement", DS.AGREEMENT_PENDING,
     {"enterprise", "researcher", "unit"}, {}),
    ("dispatch", "start_service", DS.AGREEMENT_PENDING, set(), {}),
    ("dispatch", "cancel", DS.MEETING_SCHEDULED, {"city_bureau", "province_admin"}, {}),
]  # fmt: skip

WEB_STEP_URLS = {
    "enterprise_application": "/dispatch/enterprise/{pk}/step/",
    "commissioner_application": "/dispatch/commissioner/{pk}/step/",
    "dispatch": "/dispatch/dispatch/{pk}/step/",
}


def test_the_table_covers_every_step_of_the_workflow():
    from techbridge.dispatch.workflow import STEPS as WORKFLOW

    assert {(kind, action) for kind, action, *_ in STEPS} == {(s.kind, s.action) for s in WORKFLOW}


@pytest.mark.django_db
@pytest.mark.parametrize("channel", ["api", "web"])
@pytest.mark.parametrize(
    ("kind", "action", "state", "owners", "params"),
    STEPS,
    ids=[f"{kind}-{action}" for kind, action, *_ in STEPS],
)
def test_every_role_is_refused_every_step_it_does_not_own(
    api, actors, flow, channel, kind, action, state, owners, params
):
    obj = flow.to(kind, state)
    refused = {name: user for name, user in actors.items() if name not in owners}
    assert len(refused) >= 7
    before = Transition.objects.filter(object_type=kind, object_id=obj.pk).count()
    for name, user in refused.items():
        client = api(user)
        if channel == "api":
            response = post_step(client, kind, obj, action, "理由充分的说明", **params)
            detail = response.json().get("detail", "")
        else:
            response = client.post(
                WEB_STEP_URLS[kind].format(pk=obj.pk),
                {"action": action, "comment": "理由充分的说明", **params},
            )
            detail = response.content.decode()
        assert response.status_code in (403, 404), (name, response.status_code, detail)
        fresh = type(obj).objects.get(pk=obj.pk)
        assert fresh.state == state, name
    after = Transition.objects.filter(object_type=kind, object_id=obj.pk).count()
    assert after == before
