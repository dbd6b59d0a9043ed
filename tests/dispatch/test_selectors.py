"""Who lists which application, which steps each user is offered, the timeline, and the
read-only pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from techbridge.dispatch import selectors
from tests.dispatch.conftest import CA, DS, EA


def _visible(user, obj) -> bool:
    return selectors.can_view(user, obj)


def test_a_draft_is_seen_only_by_its_enterprise(actors, flow):
    application = flow.to("enterprise_application", EA.DRAFT)
    seen = {name for name, user in actors.items() if _visible(user, application)}
    assert seen == {"enterprise"}


def test_a_submitted_application_is_seen_by_its_city_and_province(actors, flow):
    application = flow.to("enterprise_application", EA.SUBMITTED)
    seen = {name for name, user in actors.items() if _visible(user, application)}
    assert seen == {"enterprise", "city_bureau", "province_admin"}


def test_applications_sent_to_the_units_are_seen_by_researchers_and_units(actors, flow):
    application = flow.to("enterprise_application", EA.DISPATCHED)
    seen = {name for name, user in actors.items() if _visible(user, application)}
    assert seen == {
        "enterprise",
        "city_bureau",
        "province_admin",
        "researcher",
        "unit",
        "other_unit",
    }


def test_candidates_are_shown_to_the_enterprise_after_the_unit_approved(actors, flow):
    application = flow.to("commissioner_application", CA.SUBMITTED)
    seen = {name for name, user in actors.items() if _visible(user, application)}
    assert seen == {"researcher", "unit", "province_admin"}
    application = flow.to("commissioner_application", CA.UNIT_APPROVED)
    seen = {name for name, user in actors.items() if _visible(user, application)}
    assert seen == {"researcher", "unit", "province_admin", "enterprise", "city_bureau"}


def test_a_dispatch_is_seen_by_its_parties_only(actors, flow):
    dispatch = flow.to("dispatch", DS.SELECTED)
    seen = {name for name, user in actors.items() if _visible(user, dispatch)}
    assert seen == {"enterprise", "researcher", "unit", "city_bureau", "province_admin"}


def test_applications_visible_to_groups_the_three_kinds(actors, flow):
    flow.to("dispatch", DS.SELECTED)
    visible = selectors.applications_visible_to(actors["auditor"])
    assert not visible.enterprise.exists()
    assert not visible.commissioner.exists()
    assert not visible.dispatch.exists()
    mine = selectors.applications_visible_to(actors["researcher"])
    assert mine.enterprise.count() == mine.commissioner.count() == mine.dispatch.count() == 1


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("enterprise", ["withdraw"]),
        ("city_bureau", ["approve", "return", "reject"]),
        ("other_city_bureau", []),
        ("province_admin", []),
        ("auditor", []),
    ],
)
def test_actions_available_for_a_submitted_application(actors, flow, name, expected):
    application = flow.to("enterprise_application", EA.SUBMITTED)
    actions = [s.action for s in selectors.actions_available(application, actors[name])]
    assert actions == expected


def test_actions_available_in_agreement_pending(actors, flow):
    dispatch = flow.to("dispatch", DS.AGREEMENT_PENDING)
    for name in ("enterprise", "researcher", "unit"):
        actions = [s.action for s in selectors.actions_available(dispatch, actors[name])]
        assert actions == ["confirm_agreement"], name
    actions = [s.action for s in selectors.actions_available(dispatch, actors["province_admin"])]
    assert actions == ["cancel"]


def test_timeline_lists_the_transitions_in_order(actors, flow):
    application = flow.to("enterprise_application", EA.DISPATCHED)
    entries = list(selectors.timeline(application))
    assert [(e.action, e.to_state) for e in entries] == [
        ("create", EA.DRAFT),
        ("submit", EA.SUBMITTED),
        ("approve", EA.APPROVED),
        ("send_to_units", EA.DISPATCHED),
    ]
    assert [e.actor for e in entries] == [
        actors["enterprise"],
        actors["enterprise"],
        actors["city_bureau"],
        actors["province_admin"],
    ]


# --- pages ------------------------------------------------------------------------------------


def test_the_application_page_shows_the_timeline(client, actors, flow):
    application = flow.to("enterprise_application", EA.SUBMITTED)
    client.force_login(actors["city_bureau"])
    response = client.get(
        reverse("dispatch:enterprise_application", args=[application.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Timeline" in page
    assert "Submit to the city bureau" in page
    assert "Requires an independent legal person" in page
    assert "Approve" in page


def test_pages_answer_404_to_those_who_may_not_see(client, actors, flow):
    dispatch = flow.to("dispatch", DS.SELECTED)
    client.force_login(actors["other_city_bureau"])
    assert client.get(reverse("dispatch:dispatch", args=[dispatch.pk])).status_code == 404
    assert (
        client.get(
            reverse("dispatch:enterprise_application", args=[dispatch.enterprise_application_id])
        ).status_code
        == 404
    )
    client.force_login(actors["unit"])
    assert client.get(reverse("dispatch:dispatch", args=[dispatch.pk])).status_code == 200
    response = client.get(
        reverse("dispatch:commissioner_application", args=[dispatch.commissioner_application_id])
    )
    assert response.status_code == 200


def test_the_index_lists_what_the_user_may_see(client, actors, flow):
    flow.to("dispatch", DS.SELECTED)
    client.force_login(actors["researcher"])
    page = client.get(reverse("dispatch:index")).content.decode()
    assert flow.round.name in page
    assert flow.enterprise_application.enterprise.name in page
    client.logout()
    assert client.get(reverse("dispatch:index")).status_code == 302
