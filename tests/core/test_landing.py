"""The landing page an anonymous visitor sees at ``/``."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from techbridge.demands.models import Demand
from tests import factories

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_gets_the_landing_page_with_register_and_login_links(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/accounts/register/"' in html
    assert 'href="/accounts/login/"' in html
    assert "注册" in html and "登录" in html
    assert "双向选择" in html or "互相选择" in html


def test_signed_in_user_keeps_the_role_home(client, users):
    client.force_login(users["enterprise"])

    response = client.get("/")

    assert response.status_code == 200
    assert "core/home.html" in [t.name for t in response.templates]


def test_figures_count_published_demands_researchers_and_cities():
    factories.DemandFactory(region=factories.region("370200"))
    factories.DemandFactory(region=factories.region("370100", "济南市"))
    factories.DemandFactory(status=Demand.Status.DRAFT, region=factories.region("370300", "淄博市"))
    factories.ResearcherFactory(region=factories.region("370200"))

    from techbridge.core.selectors import landing_context

    context = landing_context()

    assert context["published_count"] == 2
    assert context["researcher_count"] == 1
    assert context["city_count"] == 2  # 青岛 and 济南; the draft's 淄博 does not count


def test_protected_demands_show_only_industry_and_region(client):
    public = factories.DemandFactory(title="公开需求标题甲")
    for level, title in (("invited", "邀请可见需求标题乙"), ("confidential", "保密需求标题丙")):
        factories.DemandFactory(
            title=title,
            summary=f"{title}的摘要",
            confidentiality=level,
            enterprise=factories.EnterpriseFactory(name=f"{title}公司"),
        )
    factories.DemandFactory(title="草稿需求标题丁", status=Demand.Status.DRAFT)

    html = client.get("/").content.decode()

    assert public.title in html
    for hidden in ("邀请可见需求标题乙", "保密需求标题丙", "草稿需求标题丁"):
        assert hidden not in html
    assert "公司" not in html.split("landing-demands")[1].split("</ul>")[0]
    assert html.count("计算机、通信和其他电子设备制造业") >= 3


def test_landing_page_needs_a_fixed_number_of_queries(client):
    factories.DemandFactory()
    client.get("/")
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    for _ in range(6):
        factories.DemandFactory(confidentiality="invited")
    with CaptureQueriesContext(connection) as many:
        client.get("/")

    assert len(many) == len(few)
    assert len(few) <= 10
