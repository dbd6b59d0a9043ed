"""The contact pages and buttons through HTTP: who sees what, the answer forms with bad input,
the thread and its attachments, the invite and interest buttons, and the way on to a dispatch
application."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from techbridge.audit.models import AuditEntry
from techbridge.contacts import services
from techbridge.contacts.models import Contact, Message
from techbridge.dispatch.models import EnterpriseApplication, Round
from tests import factories

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def test_invite_button_from_the_panel_with_htmx(client, users, demand, researcher):
    c = _client(client, users["enterprise"])
    response = c.post(
        reverse("contacts:invite", args=[demand.pk]),
        {"researcher": researcher.pk, "message": "欢迎交流"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    contact = Contact.objects.get()
    assert reverse("contacts:detail", args=[contact.pk]) in response.content.decode()
    again = c.post(
        reverse("contacts:invite", args=[demand.pk]),
        {"researcher": researcher.pk},
        HTTP_HX_REQUEST="true",
    )
    assert again.status_code == 422 and Contact.objects.count() == 1


def test_invite_refused_for_others_changes_nothing(client, users, demand, researcher):
    for role in ("other_enterprise", "researcher", "unit", "city_bureau", "auditor"):
        response = _client(client, users[role]).post(
            reverse("contacts:invite", args=[demand.pk]), {"researcher": researcher.pk}
        )
        assert response.status_code in (302, 404), role
    assert not Contact.objects.exists()


def test_interest_from_the_demand_page(client, users, demand):
    c = _client(client, users["researcher"])
    page = c.get(reverse("demands:detail", args=[demand.pk])).content.decode()
    assert reverse("contacts:interest", args=[demand.pk]) in page
    response = c.post(reverse("contacts:interest", args=[demand.pk]), {"message": "可以试试"})
    contact = Contact.objects.get()
    assert response.status_code == 302 and response["Location"] == contact.get_absolute_url()
    page = c.get(reverse("demands:detail", args=[demand.pk])).content.decode()
    assert contact.get_absolute_url() in page


def test_recommendation_panel_offers_invite_to_the_owner_only(client, users, demand, researcher):
    url = reverse("recommendations:demand_panel", args=[demand.pk])
    owner = _client(client, users["enterprise"]).get(url).content.decode()
    assert reverse("contacts:invite", args=[demand.pk]) in owner
    bureau = _client(client, users["city_bureau"]).get(url).content.decode()
    assert reverse("contacts:invite", args=[demand.pk]) not in bureau


def test_detail_page_per_role(client, users, invitation):
    url = invitation.get_absolute_url()
    for role in ("enterprise", "researcher", "unit", "city_bureau", "auditor"):
        assert _client(client, users[role]).get(url).status_code == 200, role
    for role in ("other_enterprise", "tech_manager"):
        assert _client(client, users[role]).get(url).status_code == 404, role
    invitation.refresh_from_db()
    assert invitation.state == Contact.State.VIEWED  # the researcher opened it


def test_decline_form_keeps_values_and_shows_errors(client, users, invitation):
    c = _client(client, users["researcher"])
    response = c.post(
        reverse("contacts:step", args=[invitation.pk]),
        {"step": "decline", "reason": "other", "note": ""},
    )
    assert response.status_code == 422
    assert response.context["step_form"].errors
    assert 'value="other" selected' in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.state == Contact.State.SENT
    response = c.post(
        reverse("contacts:step", args=[invitation.pk]),
        {"step": "decline", "reason": "location", "note": "太远"},
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == Contact.State.DECLINED
    page = _client(client, users["enterprise"]).get(invitation.get_absolute_url())
    assert "太远" in page.content.decode()


def test_thread_and_attachment_visibility(client, users, invitation, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    services.transition(actor=users["researcher"], contact=invitation, step="accept")
    c = _client(client, users["enterprise"])
    response = c.post(
        reverse("contacts:message", args=[invitation.pk]),
        {"body": "资料见附件", "attachment": SimpleUploadedFile("资料.pdf", b"%PDF-1.4 x")},
    )
    assert response.status_code == 302
    message = Message.objects.get()
    download = reverse("contacts:attachment", args=[message.pk])
    assert _client(client, users["researcher"]).get(download).status_code == 200
    assert _client(client, users["auditor"]).get(download).status_code == 200
    assert AuditEntry.objects.filter(actor=users["auditor"], detail__channel="attachment").exists()
    for role in ("unit", "city_bureau", "other_enterprise"):
        c = _client(client, users[role])
        assert c.get(download).status_code == 404, role
        if role != "other_enterprise":
            assert "资料见附件" not in c.get(invitation.get_absolute_url()).content.decode()
    bad = _client(client, users["researcher"]).post(
        reverse("contacts:message", args=[invitation.pk]), {"body": ""}
    )
    assert bad.status_code == 422 and Message.objects.count() == 1


def test_contact_list_boxes(client, users, invitation):
    c = _client(client, users["researcher"])
    page = c.get(reverse("contacts:list") + "?box=waiting")
    assert page.status_code == 200 and invitation.demand.title in page.content.decode()
    page = c.get(reverse("contacts:list") + "?box=sent")
    assert invitation.demand.title not in page.content.decode()
    assert c.get(reverse("contacts:list") + "?box=nonsense").status_code == 200


def test_accepted_contact_leads_to_a_prefilled_dispatch_application(client, users, invitation):
    factories.region("370000", "山东省")
    today = timezone.localdate()
    round_ = Round.objects.create(
        name="2027年度企业科技特派员",
        region_id="370000",
        created_by=users["province_admin"],
        enforce_phases=False,
        **{
            f"{phase}_{edge}": today + datetime.timedelta(days=delta)
            for phase, edge, delta in _phase_dates()
        },
    )
    c = _client(client, users["enterprise"])
    refused = c.get(reverse("dispatch:apply_from_contact", args=[invitation.pk]))
    assert refused.status_code == 409
    services.transition(actor=users["researcher"], contact=invitation, step="accept")
    response = c.get(reverse("dispatch:apply_from_contact", args=[invitation.pk]))
    assert response.status_code == 302
    form = c.get(response["Location"])
    assert form.context["form"].initial["demand"] == invitation.demand_id
    created = c.post(
        response["Location"],
        {"demand": invitation.demand_id, "contact": invitation.pk, "conditions_committed": "on"},
    )
    assert created.status_code == 302
    application = EnterpriseApplication.objects.get(round=round_)
    assert application.contact == invitation
    assert invitation.events.filter(action="dispatch_application").exists()
    assert (
        _client(client, users["researcher"])
        .get(reverse("dispatch:apply_from_contact", args=[invitation.pk]))
        .status_code
        == 403
    )


def _phase_dates():
    from techbridge.dispatch.models import Phase

    for i, phase in enumerate(Phase.values):
        yield phase, "opens", -1 + i
        yield phase, "closes", 30 + i
