"""Journey: from registration to the first contact, both ways, in browser contexts side by side.

An enterprise registers and drafts a demand, the city bureau verifies it, it publishes the demand
and invites a recommended researcher from the demand's page; the researcher sees
the notification, accepts, both see each other's contact details and exchange messages, and
the enterprise starts a commissioner application from the contact. The other way, the
researcher expresses interest in another demand and the enterprise declines with a reason
that the researcher then reads. Each step is photographed at 1366 and 390 px.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from techbridge.accounts.models import Role, User
from techbridge.contacts.models import Contact
from techbridge.demands.models import Demand
from techbridge.dispatch.models import EnterpriseApplication, Phase, Round
from techbridge.orgs.models import Organisation
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pass-word-123"
CREDIT_CODE = factories.credit_code(9071)
WIDTHS = (1366, 390)


def log_in(page, username: str) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{page.base_url}/")


def new_page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20000)
    page.base_url = live_server.url
    return page


def shoot(page, directory, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(directory / f"contact-{name}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def test_invitation_and_interest_both_ways(browser, live_server, screenshot_dir):
    bureau = factories.BureauFactory(name="青岛市科学技术局")
    factories.UserFactory(username="shiju", role=Role.CITY_BUREAU, organisation=bureau)
    unit = factories.UnitFactory(name="青岛科技大学")
    account = factories.UserFactory(
        username="zhuanjia", role=Role.RESEARCHER, organisation=unit, display_name="陈固态"
    )
    factories.ResearcherFactory(
        unit=unit,
        user=account,
        name="陈固态",
        phone="13912345678",
        email="chen@qust.example.edu.cn",
        keywords=["固态电解质", "锂离子电池", "界面改性"],
    )
    today = timezone.localdate()
    dates = {}
    for i, phase in enumerate(Phase.values):
        dates[f"{phase}_opens"] = today - datetime.timedelta(days=1)
        dates[f"{phase}_closes"] = today + datetime.timedelta(days=30 + i)
    province = factories.region("370000", "山东省")
    Round.objects.create(
        name="2027年度企业科技特派员选派",
        region=province,
        created_by=factories.UserFactory(role=Role.PROVINCE_ADMIN, region=province),
        **dates,
    )

    # The enterprise registers, drafts its demand and cannot publish before verification.
    firm = new_page(browser, live_server)
    firm.goto(f"{live_server.url}/")
    firm.click("text=注册")
    firm.goto(f"{live_server.url}/accounts/register/enterprise/")
    firm.fill("#id_name", "青岛固态锂能科技有限公司")
    firm.fill("#id_credit_code", CREDIT_CODE)
    firm.fill("#id_registered_on", "2019-03-15")
    firm.select_option("#id_industry", "38")
    firm.select_option("#id_city", "370200")
    firm.locator("#id_county option[value='370212']").wait_for(state="attached")
    firm.select_option("#id_county", "370212")
    firm.fill("#id_contact_name", "周经理")
    firm.fill("#id_contact_phone", "0532-66668888")
    firm.fill("#id_contact_email", "office@gutai.example.com")
    firm.fill("#id_username", "qiye")
    firm.fill("#id_password1", PASSWORD)
    firm.fill("#id_password2", PASSWORD)
    shoot(firm, screenshot_dir, "00-enterprise-registers")
    firm.locator("form button[type=submit]").last.click()
    firm.wait_for_url(f"{live_server.url}/")
    enterprise = Organisation.objects.get(credit_code=CREDIT_CODE)
    firm.goto(f"{live_server.url}/demands/new/")
    firm.fill("#id_title", "固态电解质界面阻抗过高问题攻关")
    firm.fill("#id_summary", "寻求固态电解质与正极界面改性方面的合作。")
    firm.fill(
        "#id_description",
        "硫化物固态电解质与高镍正极之间界面阻抗过高，循环100次后容量保持率不足80%。",
    )
    firm.fill("#id_keywords", "固态电解质, 界面改性, 锂离子电池")
    firm.select_option("#id_industry", "38")
    firm.select_option("#id_cooperation_mode", "joint_rd")
    firm.fill("#id_contact_name", "周经理")
    firm.fill("#id_contact_phone", "0532-66668888")
    firm.click("button[name=publish]")
    refusal = firm.locator(".errorlist", has_text="核实").or_(
        firm.locator(".errorlist", has_text="审核")
    )
    refusal.first.wait_for()  # not verified yet: nothing published
    assert not Demand.objects.filter(title="固态电解质界面阻抗过高问题攻关").exists()
    shoot(firm, screenshot_dir, "00-enterprise-cannot-publish-yet")
    firm.click("button[name=save]")
    firm.wait_for_url(f"{live_server.url}/demands/*/")
    demand = Demand.objects.get(title="固态电解质界面阻抗过高问题攻关")
    assert demand.status == Demand.Status.DRAFT

    # The city bureau verifies the registration; the enterprise then publishes.
    bureau_page = new_page(browser, live_server)
    log_in(bureau_page, "shiju")
    bureau_page.goto(f"{live_server.url}/orgs/verification/")
    shoot(bureau_page, screenshot_dir, "00-bureau-verification-queue")
    bureau_page.locator("button[name=decision][value=approve]").first.click()
    bureau_page.wait_for_load_state("networkidle")
    enterprise.refresh_from_db()
    assert enterprise.is_verified
    firm.goto(f"{live_server.url}/demands/{demand.pk}/")
    firm.click(f"form[action='/demands/{demand.pk}/publish/'] button")
    firm.wait_for_url(f"{live_server.url}/demands/{demand.pk}/")
    demand.refresh_from_db()
    assert demand.status == Demand.Status.PUBLISHED
    boss = User.objects.get(username="qiye")
    other = factories.DemandFactory(
        enterprise=enterprise,
        created_by=boss,
        title="锂离子电池极片辊压工艺优化",
        keywords=["锂离子电池", "辊压"],
    )

    # The enterprise invites the recommended researcher from its demand's page.
    firm.goto(f"{live_server.url}/demands/{demand.pk}/")
    panel = firm.locator("#recommendations table.recommended-researchers")
    row = panel.locator("tr", has_text="陈固态")
    row.locator("summary", has_text="邀请").click()
    row.locator("textarea[name=message]").fill("陈老师您好，想请您帮我们分析界面阻抗问题。")
    shoot(firm, screenshot_dir, "01-enterprise-invites")
    row.locator("button", has_text="发送邀请").click()
    row.locator("a", has_text="邀请已发送").wait_for()
    contact = Contact.objects.get(demand=demand)
    assert contact.state == Contact.State.SENT

    # The researcher sees the notification and accepts.
    expert = new_page(browser, live_server)
    log_in(expert, "zhuanjia")
    assert expert.locator(".unread-count").first.inner_text().strip() != ""
    expert.goto(f"{live_server.url}/notifications/")
    shoot(expert, screenshot_dir, "02-researcher-notification")
    expert.locator("a", has_text="固态电解质界面阻抗过高问题攻关").first.click()
    expert.wait_for_url(f"{live_server.url}/contacts/{contact.pk}/")
    assert "想请您帮我们分析界面阻抗问题" in expert.content()
    shoot(expert, screenshot_dir, "03-researcher-opens-invitation")
    expert.locator("button[name=step][value=accept]").click()
    expert.wait_for_url(f"{live_server.url}/contacts/{contact.pk}/")
    details = expert.locator("#contact-details").inner_text()
    assert "0532-66668888" in details and "周经理" in details
    expert.fill("textarea[name=body]", "可以，本周四下午我去贵公司看看样品。")
    expert.locator(".message-form button[type=submit]").click()
    expert.locator(".thread .message", has_text="本周四下午").wait_for()
    shoot(expert, screenshot_dir, "04-researcher-accepted-and-wrote")

    # The enterprise sees the researcher's details and the message, answers, and applies.
    firm.goto(f"{live_server.url}/contacts/{contact.pk}/")
    details = firm.locator("#contact-details").inner_text()
    assert "13912345678" in details and "chen@qust.example.edu.cn" in details
    assert "本周四下午" in firm.locator(".thread").inner_text()
    firm.fill("textarea[name=body]", "好的，周四下午两点在公司等您。")
    firm.locator(".message-form button[type=submit]").click()
    firm.locator(".thread .message", has_text="周四下午两点").wait_for()
    shoot(firm, screenshot_dir, "05-enterprise-sees-contact")
    firm.click("text=与该科技人员发起科技特派员派驻申请")
    firm.wait_for_url("**/dispatch/rounds/*/apply/?contact=*")
    assert firm.locator("#id_demand").input_value() == str(demand.pk)
    firm.check("#id_conditions_committed")
    firm.fill("#id_conditions", "提供独立办公室和中试线使用时间。")
    shoot(firm, screenshot_dir, "06-enterprise-application-prefilled")
    firm.click("#save-application")
    firm.wait_for_url("**/dispatch/enterprise/*/")
    application = EnterpriseApplication.objects.get(demand=demand)
    assert application.contact_id == contact.pk

    # The other way: the researcher expresses interest; the enterprise declines with a reason.
    expert.goto(f"{live_server.url}/demands/{other.pk}/")
    # On the demand's own page the interest box is open already.
    expert.fill(
        "#interest-" + str(other.pk) + " textarea[name=message]", "我们有辊压工艺仿真经验。"
    )
    shoot(expert, screenshot_dir, "07-researcher-expresses-interest")
    expert.locator("#interest-" + str(other.pk) + " button[type=submit]").click()
    expert.locator("a", has_text="意向已发送").wait_for()
    interest = Contact.objects.get(demand=other)

    firm.goto(f"{live_server.url}/contacts/?box=waiting")
    shoot(firm, screenshot_dir, "08-enterprise-queue")
    firm.locator("tr", has_text="锂离子电池极片辊压工艺优化").locator("a", has_text="婉拒").click()
    firm.select_option("select[name=reason]", "not_suitable")
    firm.fill(".decline-box textarea[name=note]", "我们需要有产线调试经验的团队，感谢关注。")
    firm.locator(".decline-box button").click()
    firm.wait_for_url(f"{live_server.url}/contacts/{interest.pk}/")
    interest.refresh_from_db()
    assert interest.state == Contact.State.DECLINED

    expert.goto(f"{live_server.url}/contacts/{interest.pk}/")
    reason = expert.locator(".decline-reason").inner_text()
    assert "专业背景与需求不符" in reason and "产线调试经验" in reason
    shoot(expert, screenshot_dir, "09-researcher-reads-the-reason")
