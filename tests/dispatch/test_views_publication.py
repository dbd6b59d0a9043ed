"""The public notice (公示) page and its objection form: no sign-in, validated input, a clear
confirmation, and nothing lodged when the input or the moment is wrong."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from techbridge.dispatch import services
from techbridge.dispatch.models import Dispatch, Objection
from tests.dispatch.conftest import DS


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def published(flow) -> Dispatch:
    return flow.to("dispatch", DS.IN_PUBLICATION)


def objection_url(dispatch: Dispatch) -> str:
    return reverse("dispatch:objection_create", args=[dispatch.pk])


@pytest.mark.django_db
def test_the_notice_lists_the_pairings_in_publication_without_sign_in(client, actors, published):
    researcher = published.commissioner_application.researcher
    response = client.get(reverse("dispatch:publication"))
    assert response.status_code == 200
    page = response.content.decode()
    assert researcher.name in page
    assert researcher.unit.name in page
    assert researcher.title in page
    assert published.enterprise_application.enterprise.name in page
    assert published.publication_starts_on.isoformat() in page
    assert published.publication_ends_on.isoformat() in page
    assert f'id="object-{published.pk}"' in page
    # Filtered by round.
    other = services.open_round(
        actor=actors["province_admin"], name="另一批次", region=published.round.region
    )
    page = client.get(reverse("dispatch:publication"), {"round": other.pk}).content.decode()
    assert researcher.name not in page
    assert client.get(reverse("dispatch:publication"), {"round": 0}).status_code == 200
    assert client.get(reverse("dispatch:publication"), {"round": 9999}).status_code == 404


@pytest.mark.django_db
def test_pairings_not_in_publication_are_not_on_the_notice(client, flow):
    dispatch = flow.to("dispatch", DS.FILED)
    page = client.get(reverse("dispatch:publication")).content.decode()
    assert dispatch.commissioner_application.researcher.name not in page
    assert client.get(objection_url(dispatch)).status_code == 404
    response = client.post(
        objection_url(dispatch), {"reason": "理由" * 10, "contact": "13800000000"}
    )
    assert response.status_code == 404
    assert not Objection.objects.exists()


@pytest.mark.django_db
def test_an_anonymous_objection_with_a_contact_is_lodged_and_confirmed(client, published):
    form = client.get(objection_url(published))
    assert form.status_code == 200 and 'id="objection-form"' in form.content.decode()
    response = client.post(
        objection_url(published),
        {"reason": "该专家并未取得博士学位，与公示信息不符。", "contact": "13800000000"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dispatch:objection_lodged", args=[published.pk])
    objection = Objection.objects.get()
    assert objection.dispatch_id == published.pk
    assert objection.lodged_by is None and objection.contact == "13800000000"
    thanks = client.get(response["Location"])
    assert "Your objection has been recorded" in thanks.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"reason": "该专家并未取得博士学位。", "contact": ""}, "This field is required."),
        ({"reason": "", "contact": "13800000000"}, "This field is required."),
        ({"reason": "太短", "contact": "13800000000"}, "at least 10 characters"),
        ({"reason": "长" * 2001, "contact": "13800000000"}, "at most 2000 characters"),
        ({"reason": "该专家并未取得博士学位。", "contact": "1" * 201}, "at most 200 characters"),
    ],
)
def test_anonymous_objections_are_validated_with_clear_errors(client, published, data, error):
    response = client.post(objection_url(published), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Objection.objects.exists()


@pytest.mark.django_db
def test_a_signed_in_user_objects_without_a_contact(client, actors, published):
    client.force_login(actors["other_enterprise"])
    response = client.post(objection_url(published), {"reason": "该企业与专家存在利益关联。"})
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.lodged_by == actors["other_enterprise"] and objection.contact == ""


@pytest.mark.django_db
def test_objections_after_the_publication_period_are_refused(client, published):
    Dispatch.objects.filter(pk=published.pk).update(
        publication_starts_on=datetime.date(2020, 1, 1),
        publication_ends_on=datetime.date(2020, 1, 6),
    )
    published.round.enforce_phases = True
    published.round.save()
    response = client.post(
        objection_url(published), {"reason": "该专家并未取得博士学位。", "contact": "13800000000"}
    )
    assert response.status_code == 200
    assert "The publication period ended on 2020-01-06." in response.content.decode()
    assert not Objection.objects.exists()
