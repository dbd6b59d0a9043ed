"""The agreement over HTTP: download with a Chinese file name, refusals, generation by POST, and
the panel on the dispatch page with its confirm button posting to the dispatch step."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from techbridge.accounts.models import Role
from techbridge.agreements import services
from techbridge.agreements.models import AgreementDocument
from techbridge.audit.models import AuditEntry
from techbridge.dispatch import services as dispatch_services
from tests import factories
from tests.agreements.conftest import DS


def url(dispatch, file_format="docx") -> str:
    return reverse("agreements:document", args=[dispatch.pk]) + f"?format={file_format}"


@pytest.fixture
def generated(pending, actors):
    return services.generate_agreement(actor=actors["enterprise"], dispatch=pending)


def test_a_party_downloads_the_docx_with_a_chinese_file_name(client, pending, actors, generated):
    client.force_login(actors["enterprise"])
    response = client.get(url(pending))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert quote("青岛海纳新材料有限公司") in disposition
    assert generated.number in disposition
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORT, actor=actors["enterprise"]
    ).exists()


def test_the_unit_downloads_the_pdf(client, pending, actors, generated):
    client.force_login(actors["unit"])
    response = client.get(url(pending, "pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].endswith(".pdf")


@pytest.mark.parametrize("role", ["other_enterprise", "other_unit", "auditor", "other_city_bureau"])
def test_outsiders_are_refused(client, pending, actors, generated, role):
    client.force_login(actors[role])
    assert client.get(url(pending)).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_a_researcher_who_is_not_the_commissioner_is_refused(client, pending, unit, generated):
    stranger = factories.UserFactory(role=Role.RESEARCHER, organisation=unit)
    factories.ResearcherFactory(unit=unit, user=stranger)
    client.force_login(stranger)
    assert client.get(url(pending)).status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client, pending, generated):
    response = client.get(url(pending))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_missing_document_unknown_format_and_unknown_dispatch(client, pending, actors):
    client.force_login(actors["enterprise"])
    assert client.get(url(pending)).status_code == 404
    services.generate_agreement(actor=actors["enterprise"], dispatch=pending)
    assert client.get(url(pending, "odt")).status_code == 422
    assert client.get(reverse("agreements:document", args=[999999])).status_code == 404


def test_generate_by_post(client, pending, actors):
    client.force_login(actors["researcher"])
    generate = reverse("agreements:generate", args=[pending.pk])

    assert client.get(generate).status_code == 405
    response = client.post(generate)
    assert response.status_code == 302
    assert response["Location"] == pending.get_absolute_url()
    assert AgreementDocument.objects.get().generated_by == actors["researcher"]


def test_generate_is_refused_to_outsiders_and_when_frozen(client, pending, actors):
    client.force_login(actors["auditor"])
    generate = reverse("agreements:generate", args=[pending.pk])
    assert client.post(generate).status_code == 403

    services.generate_agreement(actor=actors["enterprise"], dispatch=pending)
    dispatch_services.transition(
        obj=pending, action="confirm_agreement", actor=actors["enterprise"]
    )
    client.force_login(actors["unit"])
    assert client.post(generate).status_code == 409
    assert AgreementDocument.objects.count() == 1


def test_the_dispatch_page_shows_the_panel_and_its_buttons(client, pending, actors):
    page = reverse("dispatch:dispatch", args=[pending.pk])
    client.force_login(actors["researcher"])

    html = client.get(page).content.decode()
    assert 'id="agreement-panel"' in html
    assert 'id="agreement-missing"' in html
    assert 'id="agreement-generate"' in html
    assert 'id="agreement-confirm"' not in html  # nothing to confirm before a document exists

    client.post(reverse("agreements:generate", args=[pending.pk]))
    html = client.get(page).content.decode()
    assert url(pending) in html
    assert 'id="agreement-confirm"' in html
    assert reverse("dispatch:dispatch_step", args=[pending.pk]) in html


def test_the_panels_confirm_form_takes_the_workflow_step(client, pending, actors):
    services.generate_agreement(actor=actors["enterprise"], dispatch=pending)
    page = reverse("dispatch:dispatch", args=[pending.pk])
    for role in ("enterprise", "researcher", "unit"):
        client.force_login(actors[role])
        html = client.get(page).content.decode()
        form = re.search(
            r'<form method="post" action="([^"]+)" class="inline" '
            r'id="agreement-confirm">',
            html,
        )
        assert form is not None, role
        response = client.post(form.group(1), {"action": "confirm_agreement"})
        assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.state == DS.IN_SERVICE

    html = client.get(page).content.decode()
    assert 'id="agreement-confirm"' not in html
    assert 'id="agreement-generate"' not in html
    assert "its text is final" in html


def test_the_panel_is_empty_for_users_who_may_not_read(rf, pending, actors):
    from django.template.loader import render_to_string

    request = rf.get("/")
    request.user = actors["auditor"]
    html = render_to_string("agreements/_panel.html", {"dispatch": pending}, request=request)
    assert html.strip() == ""
