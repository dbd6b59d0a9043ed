"""Declared relations with enterprises (利益关联申报): who may declare and withdraw them, what bad
input is refused, and the section of the profile page."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from techbridge.accounts.models import Role
from techbridge.audit.models import AuditEntry
from techbridge.core.errors import NotFound, PermissionRefused, ValidationFailed
from techbridge.talent import services
from techbridge.talent.models import EnterpriseRelation
from tests import factories

pytestmark = pytest.mark.django_db

RELATION_TYPE = "talent.enterpriserelation"

# Who may declare and withdraw relations for ``profile`` (the researcher of ``users['unit']``
# linked to ``users['researcher']``): the same people who may edit the profile.
MAY_EDIT = {
    "researcher": True,
    "unit": True,
    "superuser": True,
    "other_unit": False,
    "other_researcher": False,
    "enterprise": False,
    "other_enterprise": False,
    "city_bureau": False,
    "province_admin": False,
    "tech_manager": False,
    "auditor": False,
}
# Who sees the declared relations on the profile page: those who see the contact details.
MAY_SEE = {
    **MAY_EDIT,
    "city_bureau": True,
    "province_admin": True,
}


@pytest.fixture
def actors(users, unit, other_unit_user, superuser):
    other_researcher = factories.UserFactory(role=Role.RESEARCHER, organisation=unit)
    factories.ResearcherFactory(unit=unit, user=other_researcher)
    return {
        **users,
        "other_unit": other_unit_user,
        "other_researcher": other_researcher,
        "superuser": superuser,
    }


@pytest.fixture
def host():
    """The enterprise the relations are declared with (not the ``users`` fixture's own)."""
    return factories.EnterpriseFactory(name="青岛隔膜科技有限公司")


def declared(profile):
    return list(profile.enterprise_relations.values_list("enterprise_id", "kind"))


def audit_count():
    return AuditEntry.objects.filter(object_type=RELATION_TYPE).count()


# Services ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "allowed"), MAY_EDIT.items())
def test_declare_needs_the_right_to_edit_the_profile(actors, profile, host, who, allowed):
    actor = actors[who]
    if not allowed:
        with pytest.raises(PermissionRefused):
            services.declare_relation(
                actor=actor, researcher=profile, enterprise=host, kind="shareholding"
            )
        assert declared(profile) == []
        assert audit_count() == 0
        return
    relation = services.declare_relation(
        actor=actor, researcher=profile, enterprise=host, kind="shareholding", note=" 持股5% "
    )
    assert declared(profile) == [(host.pk, "shareholding")]
    assert (relation.note, relation.declared_by) == ("持股5%", actor)
    entry = AuditEntry.objects.get(object_type=RELATION_TYPE)
    assert (entry.action, entry.actor, entry.object_id) == (
        AuditEntry.Action.CREATE,
        actor,
        str(relation.pk),
    )
    assert entry.detail == {"researcher": profile.pk, "enterprise": host.pk, "kind": "shareholding"}


@pytest.mark.parametrize(("who", "allowed"), MAY_EDIT.items())
def test_withdraw_needs_the_right_to_edit_the_profile(actors, profile, host, who, allowed):
    relation = services.declare_relation(
        actor=actors["unit"], researcher=profile, enterprise=host, kind="family"
    )
    if not allowed:
        with pytest.raises(PermissionRefused):
            services.withdraw_relation(actor=actors[who], relation=relation)
        assert declared(profile) == [(host.pk, "family")]
        assert audit_count() == 1
        return
    services.withdraw_relation(actor=actors[who], relation=relation)
    assert declared(profile) == []
    entry = AuditEntry.objects.filter(object_type=RELATION_TYPE).latest("id")
    assert (entry.action, entry.actor, entry.object_id) == (
        AuditEntry.Action.DELETE,
        actors[who],
        str(relation.pk),
    )
    assert entry.detail["kind"] == "family"


def test_withdrawing_twice_is_not_found(users, profile, host):
    relation = services.declare_relation(
        actor=users["researcher"], researcher=profile, enterprise=host, kind="contract"
    )
    services.withdraw_relation(actor=users["researcher"], relation=relation)
    with pytest.raises(NotFound):
        services.withdraw_relation(actor=users["researcher"], relation=relation)


def test_several_kinds_with_one_enterprise(users, profile, host):
    for kind in ("employment", "shareholding"):
        services.declare_relation(
            actor=users["researcher"], researcher=profile, enterprise=host, kind=kind
        )
    assert sorted(declared(profile)) == [(host.pk, "employment"), (host.pk, "shareholding")]


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("a unit", "enterprise"),
        ("a city bureau", "enterprise"),
        ("no enterprise", "enterprise"),
        ("unknown kind", "kind"),
        ("already declared", "kind"),
        ("note too long", "note"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(users, profile, host, case, field):
    services.declare_relation(
        actor=users["unit"], researcher=profile, enterprise=host, kind="shareholding"
    )
    before, entries = declared(profile), audit_count()
    arguments = {"enterprise": host, "kind": "employment", "note": ""}
    if case == "a unit":
        arguments["enterprise"] = factories.UnitFactory()
    elif case == "a city bureau":
        arguments["enterprise"] = factories.BureauFactory()
    elif case == "no enterprise":
        arguments["enterprise"] = None
    elif case == "unknown kind":
        arguments["kind"] = "friendship"
    elif case == "already declared":
        arguments["kind"] = "shareholding"
    else:
        arguments["note"] = "长" * 501
    with pytest.raises(ValidationFailed) as error:
        services.declare_relation(actor=users["unit"], researcher=profile, **arguments)
    assert error.value.field == field
    assert error.value.message
    assert declared(profile) == before
    assert audit_count() == entries


def test_refused_message_names_the_organisation(users, profile):
    unit = factories.UnitFactory(name="某某大学")
    with pytest.raises(ValidationFailed, match="某某大学"):
        services.declare_relation(
            actor=users["unit"], researcher=profile, enterprise=unit, kind="employment"
        )


# The profile page --------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "visible"), MAY_SEE.items())
def test_the_section_follows_the_role(client, actors, profile, host, who, visible):
    services.declare_relation(
        actor=actors["unit"], researcher=profile, enterprise=host, kind="shareholding"
    )
    client.force_login(actors[who])
    response = client.get(reverse("talent:detail", args=[profile.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert ('id="relations"' in html) is visible
    assert (host.name in html) is visible
    may_edit = MAY_EDIT[who]
    assert (reverse("talent:relation_declare", args=[profile.pk]) in html) is may_edit
    relation = profile.enterprise_relations.get()
    assert (reverse("talent:relation_withdraw", args=[relation.pk]) in html) is may_edit


def test_the_section_is_in_chinese_with_the_kind_label(client, users, profile, host):
    services.declare_relation(
        actor=users["unit"], researcher=profile, enterprise=host, kind="former_employer"
    )
    client.force_login(users["researcher"])
    html = client.get(
        reverse("talent:detail", args=[profile.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "利益关联申报" in html
    assert "近三年曾任职" in html
    assert "申报利益关联" in html


def test_researcher_declares_and_withdraws_on_the_page(client, users, profile, host):
    client.force_login(users["researcher"])
    response = client.post(
        reverse("talent:relation_declare", args=[profile.pk]),
        {"enterprise": host.pk, "kind": "contract", "note": "横向课题 2025-2026"},
    )
    assert response.status_code == 302
    relation = profile.enterprise_relations.get()
    assert (relation.enterprise, relation.kind, relation.note) == (
        host,
        "contract",
        "横向课题 2025-2026",
    )
    html = client.get(reverse("talent:detail", args=[profile.pk])).content.decode()
    assert host.name in html and "横向课题 2025-2026" in html

    response = client.post(reverse("talent:relation_withdraw", args=[relation.pk]))
    assert response.status_code == 302
    assert declared(profile) == []
    html = client.get(reverse("talent:detail", args=[profile.pk])).content.decode()
    assert "横向课题 2025-2026" not in html


@pytest.mark.parametrize(
    ("case", "data"),
    [
        ("not an enterprise", {"kind": "contract"}),
        ("unknown kind", {"kind": "friendship"}),
        ("no enterprise", {"enterprise": "", "kind": "contract"}),
        ("already declared", {"kind": "shareholding"}),
    ],
)
def test_bad_input_on_the_page_shows_an_error_and_saves_nothing(
    client, users, profile, host, case, data
):
    services.declare_relation(
        actor=users["unit"], researcher=profile, enterprise=host, kind="shareholding"
    )
    data = {"enterprise": host.pk, **data}
    if case == "not an enterprise":
        data["enterprise"] = profile.unit_id
    client.force_login(users["unit"])
    response = client.post(reverse("talent:relation_declare", args=[profile.pk]), data, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert declared(profile) == [(host.pk, "shareholding")]


@pytest.mark.parametrize(("who", "allowed"), MAY_EDIT.items())
def test_page_actions_are_refused_to_others(client, actors, profile, host, who, allowed):
    if allowed:
        return
    relation = services.declare_relation(
        actor=actors["unit"], researcher=profile, enterprise=host, kind="shareholding"
    )
    client.force_login(actors[who])
    response = client.post(
        reverse("talent:relation_declare", args=[profile.pk]),
        {"enterprise": host.pk, "kind": "family"},
    )
    assert response.status_code == 403
    response = client.post(reverse("talent:relation_withdraw", args=[relation.pk]))
    # Those who may not even see the relation are told it does not exist.
    assert response.status_code == (403 if MAY_SEE[who] else 404)
    assert declared(profile) == [(host.pk, "shareholding")]


def test_actions_are_post_only_and_need_the_csrf_token(users, profile, host):
    relation = services.declare_relation(
        actor=users["unit"], researcher=profile, enterprise=host, kind="shareholding"
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["researcher"])
    declare = reverse("talent:relation_declare", args=[profile.pk])
    withdraw = reverse("talent:relation_withdraw", args=[relation.pk])
    assert client.get(declare).status_code == 405
    assert client.get(withdraw).status_code == 405
    assert client.post(declare, {"enterprise": host.pk, "kind": "family"}).status_code == 403
    assert client.post(withdraw).status_code == 403
    assert declared(profile) == [(host.pk, "shareholding")]
    html = client.get(reverse("talent:detail", args=[profile.pk])).content.decode()
    section = html[html.index('id="relations"') :].split("</section>")[0]
    assert section.count("csrfmiddlewaretoken") == 2  # the declare form and one withdraw button


def test_relations_require_login(client, users, profile, host):
    relation = services.declare_relation(
        actor=users["unit"], researcher=profile, enterprise=host, kind="shareholding"
    )
    response = client.post(reverse("talent:relation_withdraw", args=[relation.pk]))
    assert response.status_code == 302
    assert EnterpriseRelation.objects.filter(pk=relation.pk).exists()
