"""The talent pool pages through the Django test client: lists, search, contact details,
editing rights, achievements over htmx, account links and teams."""

from __future__ import annotations

import pytest
from django.urls import reverse

from techbridge.accounts.models import Role
from techbridge.refdata.models import TitleLevel
from techbridge.talent import selectors
from techbridge.talent.models import Achievement, Researcher, Team
from techbridge.talent.selectors import ResearcherFilters
from tests import factories
from tests.talent.conftest import make_researcher

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "results"}


def list_names(client, **params):
    response = client.get(reverse("talent:list"), params, **HTMX)
    assert response.status_code == 200
    return {r.name for r in response.context["page_obj"]}


def profile_post(researcher, **overrides):
    """A complete, valid POST of the profile form for ``researcher``."""
    data = {
        "name": researcher.name,
        "department": researcher.department,
        "title": researcher.title,
        "title_level": researcher.title_level,
        "degree": researcher.degree,
        "disciplines": [d.pk for d in researcher.disciplines.all()],
        "industries": [i.pk for i in researcher.industries.all()],
        "keywords": ", ".join(researcher.keywords),
        "summary": researcher.summary,
        "region": researcher.region_id,
        "availability": researcher.availability,
        "capacity": researcher.capacity,
        "email": researcher.email,
        "phone": researcher.phone,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# List, search, filters, pagination ---------------------------------------------------------------


def test_list_shows_profiles_to_every_role(client, users, profile):
    for user in users.values():
        client.force_login(user)
        response = client.get(reverse("talent:list"))
        assert response.status_code == 200
        assert profile.name in response.content.decode()


def test_list_requires_login(client, profile):
    response = client.get(reverse("talent:list"))
    assert response.status_code == 302


def test_search_finds_a_researcher_by_a_word_of_an_achievement_title(client, users, unit):
    target = make_researcher(
        actor=users["unit"],
        unit=unit,
        name="赵光伏",
        keywords=["光伏组件"],
        achievements=[{"kind": "paper", "title": "钙钛矿太阳能电池的界面钝化", "year": 2022}],
    )
    make_researcher(actor=users["unit"], unit=unit, name="钱机械", keywords=["齿轮传动"])
    client.force_login(users["enterprise"])
    assert list_names(client, q="钙钛矿") == {target.name}
    # Traditional characters and full-width Latin letters are folded before matching.
    assert list_names(client, q="鈣鈦礦") == {target.name}


def test_full_width_query_matches_latin_keyword(client, users, unit):
    make_researcher(actor=users["unit"], unit=unit, name="孙雷达", keywords=["LiDAR", "点云"])
    client.force_login(users["enterprise"])
    assert list_names(client, q="ＬｉＤＡＲ") == {"孙雷达"}


def test_filters_narrow_the_list(client, users, unit):
    qingdao = factories.region()
    jinan = factories.region("370100", "济南市")
    materials = factories.discipline()
    computing = factories.discipline("520", "计算机科学技术")
    electronics = factories.industry()
    make_researcher(
        actor=users["unit"],
        unit=unit,
        name="甲",
        region=qingdao,
        disciplines=[materials],
        industries=[electronics],
        title_level=TitleLevel.SENIOR_FULL,
        availability="available",
    )
    make_researcher(
        actor=users["unit"],
        unit=unit,
        name="乙",
        region=jinan,
        disciplines=[computing],
        title_level=TitleLevel.INTERMEDIATE,
        availability="unavailable",
    )
    other_unit = factories.UnitFactory()
    factories.ResearcherFactory(unit=other_unit, name="丙", region=jinan, disciplines=[computing])
    client.force_login(users["enterprise"])
    assert list_names(client, discipline="520") == {"乙", "丙"}
    assert list_names(client, region="370100") == {"乙", "丙"}
    fixture_profile = users["researcher"].researcher.name
    assert list_names(client, region="370000") == {"甲", "乙", "丙", fixture_profile}
    assert list_names(client, title_level="intermediate") == {"乙"}
    assert list_names(client, availability="unavailable") == {"乙"}
    assert list_names(client, unit=other_unit.pk) == {"丙"}
    # An industry section (门类) matches researchers serving one of its divisions.
    assert list_names(client, industry="C") == {"甲"}
    assert list_names(client, discipline="520", unit=unit.pk) == {"乙"}


def test_invalid_filter_value_is_ignored(client, users, profile):
    client.force_login(users["enterprise"])
    response = client.get(reverse("talent:list"), {"discipline": "nonsense", "unit": "x"})
    assert response.status_code == 200
    assert profile.name in response.content.decode()


def test_htmx_request_gets_only_the_results(client, users, profile):
    client.force_login(users["enterprise"])
    fragment = client.get(reverse("talent:list"), **HTMX).content.decode()
    page = client.get(reverse("talent:list")).content.decode()
    assert "<html" not in fragment and profile.name in fragment
    assert "<html" in page and 'id="results"' in page


def test_list_is_paginated(client, users, unit, settings):
    settings.PAGE_SIZE = 5
    for n in range(12):
        factories.ResearcherFactory(unit=unit, name=f"分页{n:02d}")
    client.force_login(users["enterprise"])
    first = client.get(reverse("talent:list"), {"unit": unit.pk})
    assert len(first.context["page_obj"]) == 5
    assert first.context["page_obj"].paginator.count == 13  # 12 + the fixture's profile
    third = client.get(reverse("talent:list"), {"unit": unit.pk, "page": 3}, **HTMX)
    assert len(third.context["page_obj"]) == 3
    assert f"unit={unit.pk}&amp;page=2" in third.content.decode()


def test_unit_user_sees_my_unit_and_add_buttons(client, users, unit):
    client.force_login(users["unit"])
    html = client.get(reverse("talent:list")).content.decode()
    assert f"?unit={unit.pk}" in html
    assert reverse("talent:create") in html
    client.force_login(users["enterprise"])
    html = client.get(reverse("talent:list")).content.decode()
    assert reverse("talent:create") not in html


# Detail: contact details per role ----------------------------------------------------------------

CONTACT_VISIBLE = {
    "researcher": True,
    "unit": True,
    "city_bureau": True,
    "province_admin": True,
    "enterprise": False,
    "other_enterprise": False,
    "tech_manager": False,
    "auditor": False,
}


@pytest.mark.parametrize(("role", "visible"), CONTACT_VISIBLE.items())
def test_contact_details_follow_the_role(client, users, profile, role, visible):
    client.force_login(users[role])
    response = client.get(reverse("talent:detail", args=[profile.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert profile.name in html
    assert (profile.email in html) is visible
    assert (profile.phone in html) is visible


def test_contact_details_shown_to_superuser(client, superuser, profile):
    client.force_login(superuser)
    assert profile.email in client.get(reverse("talent:detail", args=[profile.pk])).content.decode()


def test_detail_groups_achievements_and_lists_teams(client, users, profile):
    factories.AchievementFactory(researcher=profile, kind="patent", title="一种固态电解质膜")
    factories.AchievementFactory(researcher=profile, kind="paper", title="硫化物电解质综述")
    team = factories.TeamFactory(unit=profile.unit, name="固态电池团队", leader=profile)
    team.members.add(profile)
    client.force_login(users["enterprise"])
    response = client.get(reverse("talent:detail", args=[profile.pk]))
    labels = [str(label) for label, _items in response.context["achievement_groups"]]
    assert labels == [str(Achievement.Kind.PAPER.label), str(Achievement.Kind.PATENT.label)]
    assert "固态电池团队" in response.content.decode()


# Editing rights ----------------------------------------------------------------------------------


@pytest.fixture
def other_researcher_user(unit):
    user = factories.UserFactory(role=Role.RESEARCHER, organisation=unit)
    factories.ResearcherFactory(unit=unit, user=user)
    return user


@pytest.mark.parametrize(
    "who",
    [
        "other_unit",
        "other_researcher",
        "enterprise",
        "city_bureau",
        "province_admin",
        "tech_manager",
        "auditor",
    ],
)
def test_edit_refused_to_others(
    client, users, profile, other_unit_user, other_researcher_user, who
):
    actor = {"other_unit": other_unit_user, "other_researcher": other_researcher_user}.get(
        who
    ) or users[who]
    client.force_login(actor)
    url = reverse("talent:edit", args=[profile.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, profile_post(profile, name="篡改"))
    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.name != "篡改"
    assert (
        reverse("talent:edit", args=[profile.pk])
        not in client.get(reverse("talent:detail", args=[profile.pk])).content.decode()
    )


@pytest.mark.parametrize("who", ["unit", "researcher"])
def test_edit_allowed_to_unit_and_self(client, users, profile, who):
    client.force_login(users[who])
    url = reverse("talent:edit", args=[profile.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, profile_post(profile, name="李新名", keywords="钠离子电池，储能", capacity=3)
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert (profile.name, profile.keywords, profile.capacity) == (
        "李新名",
        ["钠离子电池", "储能"],
        3,
    )
    client.force_login(users["enterprise"])
    assert list_names(client, q="钠离子电池") == {"李新名"}


def test_integrity_record_set_by_the_unit_only(client, users, profile):
    url = reverse("talent:edit", args=[profile.pk])
    client.force_login(users["researcher"])
    assert "has_integrity_record" not in client.get(url).content.decode()
    client.post(url, profile_post(profile, has_integrity_record="on"))
    profile.refresh_from_db()
    assert profile.has_integrity_record is False

    client.force_login(users["unit"])
    assert "has_integrity_record" in client.get(url).content.decode()
    assert client.post(url, profile_post(profile, has_integrity_record="on")).status_code == 302
    profile.refresh_from_db()
    assert profile.has_integrity_record is True
    # Saving without the box clears it again: the unit owns the finding.
    client.post(url, profile_post(profile))
    profile.refresh_from_db()
    assert profile.has_integrity_record is False


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("capacity", 99),
        ("capacity", -1),
        ("disciplines", ["999"]),
        ("region", "999999"),
        ("name", ""),
    ],
)
def test_invalid_edit_shows_the_error_and_saves_nothing(client, users, profile, field, value):
    client.force_login(users["unit"])
    before = (profile.name, profile.capacity, list(profile.disciplines.all()))
    response = client.post(
        reverse("talent:edit", args=[profile.pk]),
        profile_post(profile, **{"name": "不应保存", field: value}),
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="errorlist' in response.content.decode()
    profile.refresh_from_db()
    assert (profile.name, profile.capacity, list(profile.disciplines.all())) == before


# Creating researchers ----------------------------------------------------------------------------


def test_unit_user_creates_a_researcher_in_their_own_unit(client, users, unit):
    client.force_login(users["unit"])
    response = client.post(
        reverse("talent:create"),
        {
            "name": "周新人",
            "title": "副教授",
            "title_level": "senior_deputy",
            "degree": "doctorate",
            "disciplines": [factories.discipline().pk],
            "industries": [factories.industry().pk],
            "keywords": "储氢材料, 催化剂",
            "availability": "available",
            "capacity": 2,
            "unit": factories.UnitFactory().pk,  # ignored: a unit user adds to their own unit
        },
    )
    assert response.status_code == 302
    created = Researcher.objects.get(name="周新人")
    assert created.unit == unit
    assert created.region == unit.region
    assert created.keywords == ["储氢材料", "催化剂"]
    client.force_login(users["enterprise"])
    assert list_names(client, q="储氢材料") == {"周新人"}


def test_superuser_chooses_the_unit(client, superuser, unit):
    factories.UnitFactory()
    client.force_login(superuser)
    data = {"name": "吴专家", "title_level": "none", "availability": "available", "capacity": 1}
    response = client.post(reverse("talent:create"), data)
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    response = client.post(reverse("talent:create"), {**data, "unit": unit.pk})
    assert response.status_code == 302
    assert Researcher.objects.get(name="吴专家").unit == unit


@pytest.mark.parametrize("role", ["enterprise", "researcher", "city_bureau", "auditor"])
def test_create_refused_to_other_roles(client, users, role):
    client.force_login(users[role])
    count = Researcher.objects.count()
    assert client.get(reverse("talent:create")).status_code == 403
    response = client.post(
        reverse("talent:create"),
        {
            "name": "冒名",
            "title_level": "none",
            "availability": "available",
            "capacity": 1,
        },
    )
    assert response.status_code == 403
    assert Researcher.objects.count() == count


def test_invalid_create_saves_nothing(client, users):
    client.force_login(users["unit"])
    count = Researcher.objects.count()
    response = client.post(
        reverse("talent:create"),
        {
            "name": "新人",
            "title_level": "none",
            "availability": "available",
            "capacity": 99,
            "disciplines": ["999"],
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"capacity", "disciplines"}
    assert Researcher.objects.count() == count


# Achievements over htmx --------------------------------------------------------------------------


def test_unit_adds_and_removes_an_achievement_and_search_follows(client, users, profile):
    client.force_login(users["unit"])
    response = client.post(
        reverse("talent:achievement_add", args=[profile.pk]),
        {
            "kind": "patent",
            "title": "一种柔性热电薄膜的制备方法",
            "year": 2024,
            "reference": "ZL202410000001.2",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="achievements"' in response.content.decode()
    assert "柔性热电薄膜" in response.content.decode()
    achievement = profile.achievements.get()
    assert list_names(client, q="热电薄膜") == {profile.name}

    response = client.post(
        reverse("talent:achievement_remove", args=[achievement.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert not profile.achievements.exists()
    assert list_names(client, q="热电薄膜") == set()


def test_researcher_adds_an_achievement_without_htmx(client, users, profile):
    client.force_login(users["researcher"])
    response = client.post(
        reverse("talent:achievement_add", args=[profile.pk]),
        {"kind": "award", "title": "省科技进步二等奖"},
    )
    assert response.status_code == 302
    assert profile.achievements.filter(kind="award").exists()


def test_invalid_achievement_shows_errors_and_saves_nothing(client, users, profile):
    client.force_login(users["unit"])
    response = client.post(
        reverse("talent:achievement_add", args=[profile.pk]),
        {"kind": "novel", "title": "", "year": 3000},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert not profile.achievements.exists()


@pytest.mark.parametrize("who", ["other_unit", "enterprise", "city_bureau", "auditor"])
def test_achievement_changes_refused_to_others(client, users, profile, other_unit_user, who):
    achievement = factories.AchievementFactory(researcher=profile)
    client.force_login(other_unit_user if who == "other_unit" else users[who])
    response = client.post(
        reverse("talent:achievement_add", args=[profile.pk]),
        {"kind": "paper", "title": "不该出现"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 403
    response = client.post(reverse("talent:achievement_remove", args=[achievement.pk]))
    assert response.status_code == 403
    assert list(profile.achievements.values_list("title", flat=True)) == [achievement.title]


# Linking an account ------------------------------------------------------------------------------


def test_unit_links_an_account_which_can_then_edit(client, users, unit):
    researcher = make_researcher(actor=users["unit"], unit=unit, name="郑未绑定")
    account = factories.UserFactory(role=Role.RESEARCHER, organisation=unit)
    client.force_login(account)
    assert client.get(reverse("talent:edit", args=[researcher.pk])).status_code == 403
    client.force_login(users["unit"])
    response = client.post(
        reverse("talent:link_account", args=[researcher.pk]), {"user": account.pk}
    )
    assert response.status_code == 302
    researcher.refresh_from_db()
    assert researcher.user == account
    client.force_login(account)
    assert client.get(reverse("talent:edit", args=[researcher.pk])).status_code == 200


def test_link_account_refused_to_other_unit(client, users, profile, other_unit_user):
    account = factories.UserFactory(role=Role.RESEARCHER, organisation=profile.unit)
    client.force_login(other_unit_user)
    response = client.post(reverse("talent:link_account", args=[profile.pk]), {"user": account.pk})
    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.user == users["researcher"]


# Teams -------------------------------------------------------------------------------------------


def test_unit_creates_and_edits_a_team(client, users, unit, profile):
    colleague = make_researcher(actor=users["unit"], unit=unit, name="冯同事", keywords=["电解液"])
    client.force_login(users["unit"])
    response = client.post(
        reverse("talent:team_create"),
        {
            "name": "储能材料团队",
            "leader": profile.pk,
            "members": [colleague.pk],
            "description": "面向储能企业。",
        },
    )
    assert response.status_code == 302
    team = Team.objects.get(name="储能材料团队")
    assert team.unit == unit
    assert set(team.members.all()) == {profile, colleague}

    detail = client.get(reverse("talent:team_detail", args=[team.pk])).content.decode()
    for keyword in ["锂离子电池", "电解液"]:
        assert keyword in detail

    response = client.post(
        reverse("talent:team_edit", args=[team.pk]),
        {
            "name": "储能团队",
            "leader": colleague.pk,
            "members": [colleague.pk],
        },
    )
    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.name, team.leader, list(team.members.all())) == (
        "储能团队",
        colleague,
        [colleague],
    )


def test_team_member_from_another_unit_is_refused(client, users, unit):
    stranger = factories.ResearcherFactory(unit=factories.UnitFactory())
    client.force_login(users["unit"])
    response = client.post(
        reverse("talent:team_create"), {"name": "混编团队", "members": [stranger.pk]}
    )
    assert response.status_code == 200
    assert "members" in response.context["form"].errors
    assert not Team.objects.filter(name="混编团队").exists()


@pytest.mark.parametrize(
    "who", ["other_unit", "researcher", "enterprise", "city_bureau", "auditor"]
)
def test_team_edit_refused_to_others(client, users, unit, other_unit_user, who):
    team = factories.TeamFactory(unit=unit, name="原名团队")
    client.force_login(other_unit_user if who == "other_unit" else users[who])
    url = reverse("talent:team_edit", args=[team.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "改名"}).status_code == 403
    team.refresh_from_db()
    assert team.name == "原名团队"


@pytest.mark.parametrize("role", ["researcher", "enterprise", "city_bureau", "auditor"])
def test_team_create_refused_to_non_units(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("talent:team_create")).status_code == 403
    assert client.post(reverse("talent:team_create"), {"name": "冒名团队"}).status_code == 403
    assert not Team.objects.filter(name="冒名团队").exists()


def test_team_list_searches_by_name_and_filters_by_unit(client, users, unit):
    other = factories.UnitFactory()
    factories.TeamFactory(unit=unit, name="智能制造团队")
    factories.TeamFactory(unit=other, name="智能传感团队")
    factories.TeamFactory(unit=other, name="海洋装备团队")
    client.force_login(users["enterprise"])

    def names(**params):
        response = client.get(reverse("talent:teams"), params)
        assert response.status_code == 200
        return {t.name for t in response.context["page_obj"]}

    assert names(q="智能") == {"智能制造团队", "智能传感团队"}
    assert names(unit=other.pk) == {"智能传感团队", "海洋装备团队"}
    assert names(q="智能", unit=other.pk) == {"智能传感团队"}


def test_filter_researchers_selector_matches_the_page(users, profile):
    # The page is a thin shell: the same selector answers the API and the CLI.
    found = selectors.filter_researchers(users["enterprise"], ResearcherFilters(q="固态电解质"))
    assert list(found) == [profile]


def test_team_list_htmx_request_gets_only_the_results(client, users, unit):
    factories.TeamFactory(unit=unit, name="智能制造团队")
    client.force_login(users["enterprise"])
    fragment = client.get(reverse("talent:teams"), {"q": "智能"}, **HTMX).content.decode()
    assert "<html" not in fragment and "智能制造团队" in fragment
