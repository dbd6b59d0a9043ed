"""The two-way selection pages through the Django test client: each party ranks, the provincial
administrator computes, applies and overrides; everyone else gets 403."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from techbridge.dispatch.models import Dispatch, Preference, SelectionRun, Transition
from tests.dispatch.conftest import CA
from tests.dispatch.test_selection_setup import build_selection

pytestmark = pytest.mark.django_db


@pytest.fixture
def selection(actors, round_):
    return build_selection(actors, round_)


def signed_in(client, user):
    """Signed in as ``user``, pages in English (the source strings the tests assert)."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_the_enterprise_ranks_on_its_page(client, selection):
    a = selection.enterprises["A"]
    url = reverse("dispatch:selection:enterprise_ranking", args=[a.obj.pk])
    page = signed_in(client, a.user).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    # the engine's order: the two battery researchers before the poet, with scores and reasons
    assert body.index("甲") < body.index("丙") and body.index("乙") < body.index("丙")
    assert "Match score" in body and "not ranked yet" in body
    lines = [selection.application(r, "A").pk for r in ("甲", "乙", "丙")]
    answer = client.post(
        url,
        {
            "line": lines,
            f"rank-{lines[0]}": "3",
            f"rank-{lines[1]}": "2",
            f"rank-{lines[2]}": "1",
        },
    )
    assert answer.status_code == 302
    saved = list(
        Preference.objects.filter(side="enterprise")
        .order_by("rank")
        .values_list("commissioner_application_id", flat=True)
    )
    assert saved == lines[::-1]
    # the up button moves one line
    client.post(url, {"line": saved, "move": f"up:{saved[2]}"})
    assert list(
        Preference.objects.filter(side="enterprise")
        .order_by("rank")
        .values_list("commissioner_application_id", flat=True)
    ) == [saved[0], saved[2], saved[1]]


def test_the_ranking_form_answers_htmx_with_the_list_only(client, selection):
    a = selection.enterprises["A"]
    url = reverse("dispatch:selection:enterprise_ranking", args=[a.obj.pk])
    line = selection.application("乙", "A").pk
    answer = signed_in(client, a.user).post(url, {"line": [line]}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    body = answer.content.decode()
    assert body.startswith('<div id="ranking"') and "Your ranking has been saved." in body
    assert Preference.objects.get().commissioner_application_id == line


def test_a_bad_ranking_is_reported_and_changes_nothing(client, selection):
    a = selection.enterprises["A"]
    url = reverse("dispatch:selection:enterprise_ranking", args=[a.obj.pk])
    foreign = selection.application("甲", "B").pk
    answer = signed_in(client, a.user).post(url, {"line": [foreign]}, follow=True)
    assert "not candidates you may rank" in answer.content.decode()
    assert not Preference.objects.exists()


@pytest.mark.parametrize(
    "who", ["other_enterprise", "researcher", "unit", "city_bureau", "province_admin"]
)
def test_others_may_not_open_or_post_an_enterprise_ranking(client, selection, actors, who):
    a = selection.enterprises["A"]
    actor = selection.enterprises["B"].user if who == "other_enterprise" else actors[who]
    url = reverse("dispatch:selection:enterprise_ranking", args=[a.obj.pk])
    signed_in(client, actor)
    assert client.get(url).status_code == 403
    line = selection.application("乙", "A").pk
    assert client.post(url, {"line": [line]}).status_code == 403
    assert not Preference.objects.exists()


def test_the_researcher_ranks_on_their_page(client, selection):
    jia = selection.researchers["甲"]
    url = reverse("dispatch:selection:researcher_ranking", args=[selection.round.pk])
    page = signed_in(client, jia.user).get(url)
    assert page.status_code == 200
    assert "A科技有限公司" in page.content.decode()
    order = [selection.enterprises["B"].obj.pk, selection.enterprises["A"].obj.pk]
    client.post(url, {"line": order})
    assert (
        list(
            Preference.objects.filter(side="researcher")
            .order_by("rank")
            .values_list("commissioner_application__enterprise_application_id", flat=True)
        )
        == order
    )


@pytest.mark.parametrize("who", ["enterprise", "unit", "province_admin"])
def test_only_researchers_have_a_researcher_ranking_page(client, selection, actors, who):
    url = reverse("dispatch:selection:researcher_ranking", args=[selection.round.pk])
    assert signed_in(client, actors[who]).get(url).status_code == 403


def test_the_home_page_lists_what_each_party_can_do(client, selection, actors):
    url = reverse("dispatch:selection:home")
    body = signed_in(client, selection.enterprises["A"].user).get(url).content.decode()
    assert (
        reverse("dispatch:selection:enterprise_ranking", args=[selection.enterprises["A"].obj.pk])
        in body
    )
    body = signed_in(client, selection.researchers["甲"].user).get(url).content.decode()
    assert reverse("dispatch:selection:researcher_ranking", args=[selection.round.pk]) in body
    body = signed_in(client, actors["province_admin"]).get(url).content.decode()
    assert reverse("dispatch:selection:round", args=[selection.round.pk]) in body
    body = signed_in(client, actors["other_province_admin"]).get(url).content.decode()
    assert reverse("dispatch:selection:round", args=[selection.round.pk]) not in body


def test_the_administrator_computes_applies_and_sees_the_result(client, selection, actors):
    signed_in(client, actors["province_admin"])
    round_url = reverse("dispatch:selection:round", args=[selection.round.pk])
    page = client.get(round_url)
    assert page.status_code == 200 and "Compute the selection" in page.content.decode()
    answer = client.post(
        reverse("dispatch:selection:run_create", args=[selection.round.pk]), {"mode": "optimal"}
    )
    run = SelectionRun.objects.get()
    assert answer.status_code == 302 and answer["Location"] == run.get_absolute_url()
    assert run.mode == "optimal"
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Apply the selection" in page
    for pair in run.result["pairs"]:
        assert pair["researcher_name"] in page
    for row in run.result["unmatched_researchers"]:
        assert row["researcher_name"] in page
    client.post(reverse("dispatch:selection:run_apply", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == SelectionRun.Status.APPLIED
    assert Dispatch.objects.count() == len(run.result["pairs"]) == 2
    assert not selection.round.commissioner_applications.filter(state=CA.UNIT_APPROVED).exists()


def test_a_stale_run_shows_it_and_cannot_be_applied(client, selection, actors):
    signed_in(client, actors["province_admin"])
    client.post(
        reverse("dispatch:selection:run_create", args=[selection.round.pk]), {"mode": "stable"}
    )
    run = SelectionRun.objects.get()
    a = selection.enterprises["A"]
    from techbridge.dispatch import selection as sel

    sel.save_ranking(actor=a.user, ranker=a.obj, ordered_ids=[selection.application("丙", "A").pk])
    page = client.get(run.get_absolute_url()).content.decode()
    assert "compute it again" in page and "Apply the selection" not in page
    answer = client.post(reverse("dispatch:selection:run_apply", args=[run.pk]), follow=True)
    assert "compute it again" in answer.content.decode()
    assert not Dispatch.objects.exists()


def test_override_through_the_page_needs_a_reason(client, selection, actors):
    signed_in(client, actors["province_admin"])
    url = reverse("dispatch:selection:override", args=[selection.round.pk])
    application = selection.application("丙", "A")
    answer = client.post(url, {"application": application.pk, "reason": ""}, follow=True)
    assert "An override needs a reason." in answer.content.decode()
    assert not Dispatch.objects.exists()
    client.post(url, {"application": application.pk, "reason": "企业点名需要"})
    entry = Transition.objects.get(action="select", object_id=application.pk)
    assert entry.comment == "企业点名需要" and entry.detail["method"] == "override"


@pytest.mark.parametrize(
    "who", ["other_province_admin", "city_bureau", "enterprise", "researcher", "unit", "auditor"]
)
def test_others_may_not_use_the_administrators_pages(client, selection, actors, who):
    from techbridge.dispatch import selection as sel

    run = sel.run_selection(actor=actors["province_admin"], round_=selection.round, mode="stable")
    signed_in(client, actors[who])
    pk = selection.round.pk
    assert client.get(reverse("dispatch:selection:round", args=[pk])).status_code == 403
    assert client.get(run.get_absolute_url()).status_code == 403
    assert (
        client.post(reverse("dispatch:selection:run_create", args=[pk]), {"mode": "stable"})
    ).status_code == 403
    assert client.post(reverse("dispatch:selection:run_apply", args=[run.pk])).status_code == 403
    application = selection.application("甲", "A")
    assert (
        client.post(
            reverse("dispatch:selection:override", args=[pk]),
            {"application": application.pk, "reason": "x"},
        ).status_code
        == 403
    )
    assert SelectionRun.objects.count() == 1 and not Dispatch.objects.exists()


def test_pages_require_sign_in(client, selection):
    url = reverse("dispatch:selection:round", args=[selection.round.pk])
    assert client.get(url).status_code == 302
