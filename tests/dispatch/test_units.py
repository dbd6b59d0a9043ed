"""Sending an approved application to the units the matching engine ranks highest: the
province sees the suggestions, keeps or edits them; only those units then see the application
and put researchers forward, and their administrators are told."""

from __future__ import annotations

import pytest
from django.urls import reverse

from techbridge.audit.models import AuditEntry
from techbridge.core.errors import InvalidState, PermissionRefused, ValidationFailed
from techbridge.dispatch import selectors, services, units
from techbridge.dispatch.models import EnterpriseApplication
from techbridge.notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

EA = EnterpriseApplication.State


@pytest.fixture
def approved(flow):
    return flow.to("enterprise_application", EA.APPROVED)


def _send(application, actors):
    return services.transition(
        obj=application, action="send_to_units", actor=actors["province_admin"]
    )


def test_suggestions_follow_the_engines_ranking(actors, approved):
    suggestions = units.suggest_units(approved)
    assert suggestions, "the shared researcher matches the demand's battery keywords"
    assert actors["researcher"].researcher.unit in [s.unit for s in suggestions]
    scores = [s.score for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    assert all(1 <= len(s.researchers) <= 3 for s in suggestions)


def test_only_the_chosen_units_see_it_and_apply(actors, approved):
    other_unit = actors["other_unit"].organisation
    units.set_target_units(actor=actors["province_admin"], application=approved, units=[other_unit])
    sent = _send(approved, actors)
    assert list(sent.target_units.all()) == [other_unit]
    visible = selectors.enterprise_applications_visible_to
    assert not visible(actors["researcher"]).filter(pk=sent.pk).exists()
    assert not visible(actors["unit"]).filter(pk=sent.pk).exists()
    assert visible(actors["other_unit"]).filter(pk=sent.pk).exists()
    with pytest.raises(PermissionRefused):
        services.create_commissioner_application(
            actor=actors["researcher"], enterprise_application=sent, statement="s", plan="p"
        )
    told = Notification.objects.filter(target_id=str(sent.pk), target_type__endswith="application")
    assert set(told.values_list("recipient", flat=True)) >= {actors["other_unit"].pk}
    assert actors["unit"].pk not in set(told.values_list("recipient", flat=True))


def test_sent_without_choosing_stays_open_and_the_top_units_are_told(actors, approved):
    sent = _send(approved, actors)
    assert not sent.target_units.exists()
    assert (
        selectors.enterprise_applications_visible_to(actors["researcher"])
        .filter(pk=sent.pk)
        .exists()
    )
    assert Notification.objects.filter(recipient=actors["unit"], target_id=str(sent.pk)).exists()


def test_choosing_units_is_the_provinces_before_sending(actors, approved):
    unit = actors["unit"].organisation
    for role in ("city_bureau", "enterprise", "unit", "other_province_admin"):
        with pytest.raises(PermissionRefused):
            units.set_target_units(actor=actors[role], application=approved, units=[unit])
    with pytest.raises(ValidationFailed):
        units.set_target_units(actor=actors["province_admin"], application=approved, units=[])
    with pytest.raises(ValidationFailed):
        units.set_target_units(
            actor=actors["province_admin"],
            application=approved,
            units=[approved.enterprise],  # not a unit
        )
    assert not approved.target_units.exists()
    units.set_target_units(actor=actors["province_admin"], application=approved, units=[unit])
    assert AuditEntry.objects.filter(
        object_type="dispatch.enterpriseapplication", detail__target_units=[unit.pk]
    ).exists()
    sent = _send(approved, actors)
    with pytest.raises(InvalidState):
        units.set_target_units(actor=actors["province_admin"], application=sent, units=[unit])


def test_the_page_offers_the_suggestions_to_the_province_only(client, actors, approved):
    url = approved.get_absolute_url()
    client.force_login(actors["province_admin"])
    page = client.get(url).content.decode()
    assert reverse("dispatch:choose_units", args=[approved.pk]) in page
    unit = actors["unit"].organisation
    response = client.post(
        reverse("dispatch:choose_units", args=[approved.pk]), {"units": [unit.pk]}
    )
    assert response.status_code == 302
    assert list(approved.target_units.all()) == [unit]
    client.force_login(actors["city_bureau"])
    assert (
        reverse("dispatch:choose_units", args=[approved.pk]) not in client.get(url).content.decode()
    )
    refused = client.post(
        reverse("dispatch:choose_units", args=[approved.pk]),
        {"units": [factories.UnitFactory().pk]},
    )
    assert refused.status_code == 403
    assert list(approved.target_units.all()) == [unit]
