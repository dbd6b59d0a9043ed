"""Journey: an enterprise publishes a demand whose details go to invited researchers only; a
researcher finds it in the list, opens it and sees the public part but not the protected one."""

from __future__ import annotations

import pytest

from techbridge.accounts.models import Role
from techbridge.audit.models import AuditEntry
from techbridge.demands.models import Demand
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pass-word-123"
TITLE = "高寒地区光伏支架防冻胀基础设计"
SECRET = "冻土层深度约2.4米，现有螺旋桩在融冻循环后上拔量超过15毫米"


def log_in(page, username: str) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{page.base_url}/")


def test_enterprise_publishes_and_researcher_sees_only_the_public_part(
    browser, live_server, screenshot_dir
):
    enterprise = factories.EnterpriseFactory(name="哈尔滨北寒新能源科技有限公司")
    factories.UserFactory(username="qiye", role=Role.ENTERPRISE, organisation=enterprise)
    unit = factories.UnitFactory(name="东北林业大学")
    researcher_user = factories.UserFactory(
        username="zhuanjia", role=Role.RESEARCHER, organisation=unit
    )
    factories.ResearcherFactory(unit=unit, user=researcher_user, name="王冻土")

    # The enterprise user writes and publishes the demand through the form.
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.base_url = live_server.url
    log_in(page, "qiye")
    page.goto(f"{live_server.url}/demands/new/")
    page.fill("#id_title", TITLE)
    page.fill("#id_summary", "寻求寒区光伏基础抗冻胀方面的技术合作。")
    page.fill("#id_description", SECRET)
    page.fill("#id_expected_outcome", "冻胀上拔量控制在5毫米以内。")
    page.fill("#id_keywords", "冻胀, 螺旋桩, 光伏支架")
    page.select_option("#id_industry", "44")
    page.select_option("#id_cooperation_mode", "joint_rd")
    page.check("input[name=confidentiality][value=invited]")
    page.screenshot(path=str(screenshot_dir / "01-enterprise-demand-form.png"), full_page=True)
    page.click("button[name=publish]")
    page.wait_for_url(f"{live_server.url}/demands/*/")
    page.screenshot(path=str(screenshot_dir / "02-enterprise-demand-published.png"), full_page=True)
    assert SECRET in page.content()  # the owner sees its own details
    demand = Demand.objects.get(title=TITLE)
    assert demand.status == Demand.Status.PUBLISHED
    assert demand.confidentiality == Demand.Confidentiality.INVITED
    context.close()

    # The researcher finds it by searching the list, opens it, and the details stay hidden.
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.base_url = live_server.url
    log_in(page, "zhuanjia")
    page.goto(f"{live_server.url}/demands/?q=光伏支架")
    row = page.locator("table.list a", has_text=TITLE)
    assert row.count() == 1
    page.screenshot(path=str(screenshot_dir / "03-researcher-demand-list.png"), full_page=True)
    row.click()
    page.wait_for_url(f"{live_server.url}/demands/{demand.pk}/")
    page.screenshot(path=str(screenshot_dir / "04-researcher-demand-detail.png"), full_page=True)
    html = page.content()
    assert TITLE in html
    assert "寻求寒区光伏基础抗冻胀方面的技术合作" in html
    assert SECRET not in html
    assert "冻胀上拔量控制在5毫米以内" not in html
    assert page.locator(".protected").count() >= 1
    context.close()

    # Only the owner's view of the protected details was audited, not the researcher's visit.
    views = AuditEntry.objects.filter(
        action=AuditEntry.Action.VIEW_PROTECTED, object_id=str(demand.pk)
    )
    assert {entry.actor.username for entry in views} == {"qiye"}
