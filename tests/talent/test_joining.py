"""Researchers joining through their unit: invitation by e-mail, or self-registration that the
unit confirms or rejects."""

from __future__ import annotations

import re

import pytest

from techbridge.accounts.models import Role, User
from techbridge.audit.models import AuditEntry
from techbridge.core.errors import PermissionRefused, ValidationErrors
from techbridge.talent import joining
from techbridge.talent.models import JoinRequest, Researcher
from tests import factories
from tests.core.test_home import panel_context

pytestmark = pytest.mark.django_db

PAGE = "/talent/join/requests/"
SELF = "/talent/join/"


def _link(mail) -> str:
    match = re.search(r"https?://[^/\s]+(/talent/join/[^\s]+/)", mail.body)
    assert match, mail.body
    return match[1]


def _invite(client, users, mailoutbox, **data):
    client.force_login(users["unit"])
    response = client.post(
        PAGE, {"invite": "1", "name": "李新", "email": "li@example.edu.cn", **data}
    )
    return response


def test_unit_invites_and_the_researcher_completes_the_account(
    client, users, unit, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(client, users, mailoutbox)

    assert response.status_code == 302
    request = JoinRequest.objects.get(email="li@example.edu.cn")
    assert (request.kind, request.status, request.unit) == ("invited", "pending", unit)
    assert not request.user.is_active and not request.user.has_usable_password()
    assert mailoutbox[-1].to == ["li@example.edu.cn"]
    link = _link(mailoutbox[-1])

    client.logout()
    assert client.get(link).status_code == 200
    response = client.post(
        link, {"username": "lixin", "password1": "Solid-State-77", "password2": "Solid-State-77"}
    )

    assert response.status_code == 302
    user = User.objects.get(username="lixin")
    assert user.is_active and user.check_password("Solid-State-77")
    assert (user.role, user.organisation) == (Role.RESEARCHER, unit)
    profile = Researcher.objects.get(user=user)
    assert (profile.name, profile.unit, profile.email) == ("李新", unit, "li@example.edu.cn")
    request.refresh_from_db()
    assert request.status == "confirmed"
    # The link works once.
    assert client.get(link).status_code == 404
    assert client.login(username="lixin", password="Solid-State-77")


def test_forged_link_is_refused_and_changes_nothing(client, users, mailoutbox):
    _invite(client, users, mailoutbox)
    request = JoinRequest.objects.get()
    client.logout()

    response = client.post(
        "/talent/join/MQ/forged-token/",
        {"username": "x1", "password1": "Solid-State-77", "password2": "Solid-State-77"},
    )

    assert response.status_code == 404
    assert not User.objects.filter(username="x1").exists()
    request.refresh_from_db()
    assert request.status == "pending"


def test_bad_account_input_shows_all_errors_and_keeps_the_invitation(
    client, users, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, users, mailoutbox)
    link = _link(mailoutbox[-1])
    client.logout()

    response = client.post(
        link, {"username": users["enterprise"].username, "password1": "123", "password2": "123"}
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "username" in errors and "password1" in errors
    assert JoinRequest.objects.get().status == "pending"
    assert not Researcher.objects.filter(email="li@example.edu.cn").exists()


def test_invitation_needs_name_and_valid_email(client, users, mailoutbox):
    response = _invite(client, users, mailoutbox, name="", email="nope")

    assert response.status_code == 422
    assert set(response.context["invite_form"].errors) == {"name", "email"}
    assert not JoinRequest.objects.exists()
    assert not mailoutbox


@pytest.mark.parametrize(
    "role", ["enterprise", "researcher", "city_bureau", "province_admin", "auditor", "tech_manager"]
)
def test_only_unit_administrators_reach_the_page(client, users, role):
    client.force_login(users[role])

    assert client.get(PAGE).status_code == 403
    response = client.post(PAGE, {"invite": "1", "name": "李新", "email": "li@example.edu.cn"})
    assert response.status_code == 403
    assert not JoinRequest.objects.exists()


def test_unit_cannot_invite_into_another_unit(users):
    with pytest.raises(PermissionRefused):
        joining.invite_researcher(
            actor=users["unit"], unit=factories.UnitFactory(), name="李新", email="l@x.cn"
        )


def _self_register(client, unit, **changes):
    data = {
        "unit": unit.pk,
        "name": "赵自助",
        "title": "副教授",
        "email": "zhao@example.edu.cn",
        "phone": "13800000000",
        "username": "zhaozizhu",
        "password1": "Catalyst-Lab-9",
        "password2": "Catalyst-Lab-9",
    }
    data.update(changes)
    return client.post(SELF, data)


def test_self_registration_waits_inactive_then_the_unit_confirms(
    client, users, unit, mailoutbox, django_capture_on_commit_callbacks
):
    response = _self_register(client, unit)

    assert response.status_code == 200
    request = JoinRequest.objects.get(kind="self")
    assert not request.user.is_active
    assert not client.login(username="zhaozizhu", password="Catalyst-Lab-9")
    assert AuditEntry.objects.filter(object_type="talent.joinrequest").exists()

    client.force_login(users["unit"])
    assert "赵自助" in client.get(PAGE).content.decode()
    assert panel_context(client.get("/"), "talent/home/unit.html")["join_pending"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(PAGE, {"request": request.pk, "decision": "confirm"})

    assert response.status_code == 302
    user = User.objects.get(username="zhaozizhu")
    assert user.is_active
    profile = Researcher.objects.get(user=user)
    assert (profile.unit, profile.title, profile.phone) == (unit, "副教授", "13800000000")
    assert any("zhao@example.edu.cn" in m.to for m in mailoutbox)
    assert AuditEntry.objects.filter(detail__decision="confirmed", actor=users["unit"]).exists()


def test_unit_rejects_with_a_reason_and_the_researcher_can_register_again(
    client, users, unit, mailoutbox, django_capture_on_commit_callbacks
):
    _self_register(client, unit)
    request = JoinRequest.objects.get()
    client.force_login(users["unit"])

    response = client.post(PAGE, {"request": request.pk, "decision": "reject", "reason": ""})
    assert response.status_code == 422
    assert JoinRequest.objects.get().status == "pending"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(PAGE, {"request": request.pk, "decision": "reject", "reason": "非本单位职工"})

    request.refresh_from_db()
    assert (request.status, request.reason) == ("rejected", "非本单位职工")
    assert any("非本单位职工" in m.body for m in mailoutbox)
    assert not Researcher.objects.filter(name="赵自助").exists()
    client.logout()
    assert _self_register(client, unit).status_code == 200
    assert JoinRequest.objects.filter(status="pending").count() == 1


def test_another_unit_cannot_decide(client, users):
    other_unit = factories.UnitFactory()
    _self_register(client, other_unit)
    request = JoinRequest.objects.get()
    client.force_login(users["unit"])

    response = client.post(PAGE, {"request": request.pk, "decision": "confirm"})

    assert response.status_code == 404
    assert not User.objects.get(username="zhaozizhu").is_active


def test_self_registration_errors_all_at_once_and_nothing_created(client, unit):
    factories.UserFactory(username="zhaozizhu")
    before = User.objects.count()

    response = _self_register(client, unit, name="", password1="abc", password2="abc")

    assert response.status_code == 200
    form = response.context["form"]
    assert "name" in form.errors
    response = _self_register(client, unit, password1="abc", password2="abc")
    assert {"username", "password1"} <= set(response.context["form"].errors)
    assert 'value="赵自助"' in response.content.decode()
    assert User.objects.count() == before
    assert not JoinRequest.objects.exists()


def test_invite_validation_errors_are_field_errors(users):
    with pytest.raises(ValidationErrors) as info:
        joining.invite_researcher(
            actor=users["unit"], unit=users["unit"].organisation, name=" ", email="x"
        )
    assert set(info.value.errors) == {"name", "email"}


def test_an_expired_invitation_link_is_refused(
    client, users, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    import datetime

    from django.contrib.auth.tokens import PasswordResetTokenGenerator

    with django_capture_on_commit_callbacks(execute=True):
        _invite(client, users, mailoutbox)
    link = _link(mailoutbox[-1])
    client.logout()
    later = datetime.datetime.now() + datetime.timedelta(days=4)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)

    response = client.post(
        link, {"username": "late", "password1": "Solid-State-77", "password2": "Solid-State-77"}
    )

    assert response.status_code == 404
    assert not User.objects.filter(username="late").exists()
    assert JoinRequest.objects.get().status == "pending"


def test_login_says_the_registration_waits_for_the_unit(client, users):
    from techbridge.talent import joining

    joining.request_to_join(
        unit=users["unit"].organisation,
        name="钱等待",
        email="wait@example.edu.cn",
        phone="13900000009",
        title="讲师",
        username="qiandengdai",
        password="Waiting-Lab-77",
    )
    right = client.post(
        "/accounts/login/", {"username": "qiandengdai", "password": "Waiting-Lab-77"}
    )
    assert right.status_code == 200
    assert str(users["unit"].organisation) in right.content.decode()
    wrong = client.post("/accounts/login/", {"username": "qiandengdai", "password": "nope-nope-1"})
    assert str(users["unit"].organisation) not in wrong.content.decode()
    assert "_auth_user_id" not in client.session
