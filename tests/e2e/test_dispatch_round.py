"""Journey: one dispatch round through every step of the review chain to an agreement in
service, by the web pages, as each role in turn.

Debian's headless chromium drives the key screens (with a screenshot of each under
``test-results/e2e/dispatch-XX-*.png``); the Django test client takes the steps where a browser
adds nothing (the researcher's ranking, the intention and the filing, two of the three
confirmations). The round is opened with its phase dates relaxed (the form's "enforce the phase
dates" unchecked), so the whole chain runs today and the publication may be closed at once.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from techbridge.accounts.models import Role, User
from techbridge.agreements.models import AgreementDocument
from techbridge.dispatch.models import (
    CommissionerApplication,
    Dispatch,
    EnterpriseApplication,
    Preference,
    Round,
    SelectionRun,
    Transition,
)
from techbridge.notifications.models import Notification, Todo
from tests import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pass-word-123"
ROUND_NAME = "2026年青岛市企业科技特派员第一批"
C = {
    "approve": "符合申报条件，同意推荐。",
    "unit_approve": "同意派出，支持驻企服务。",
    "schedule_meeting": "请双方准时参加洽谈。",
    "hold_meeting": "双方就合作内容达成一致。",
    "confirm_intention": "合作意向已确认。",
    "file": "报省科技厅备案。",
    "start_publication": "进入公示。",
    "pass_publication": "公示期满无异议。",
}


class Journey:
    """The people of the round, each signed in once in their own browser context, and the
    screenshots numbered in the order they are taken."""

    def __init__(self, browser: Any, base_url: str, shots: Path):
        self.browser = browser
        self.base_url = base_url
        self.shots = shots
        self.pages: dict[str, Any] = {}
        self.taken: list[Path] = []
        self.contexts: list[Any] = []

    def page(self, username: str) -> Any:
        if username not in self.pages:
            context = self.browser.new_context(
                locale="zh-CN", viewport={"width": 1366, "height": 900}
            )
            self.contexts.append(context)
            page = context.new_page()
            page.set_default_timeout(15000)
            page.goto(f"{self.base_url}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(f"{self.base_url}/")
            self.pages[username] = page
        return self.pages[username]

    def open(self, username: str, path: str) -> Any:
        page = self.page(username)
        page.goto(f"{self.base_url}{path}")
        return page

    def shot(self, page: Any, name: str) -> None:
        path = self.shots / f"dispatch-{len(self.taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)

    def step(self, username: str, obj: Any, action: str, *, fill: dict[str, str] | None = None):
        """Take ``action`` with the step form on ``obj``'s page (its comment from ``C``)."""
        page = self.open(username, obj.get_absolute_url())
        for selector, value in (fill or {}).items():
            if page.locator(selector).evaluate("e => e.tagName") == "SELECT":
                page.select_option(selector, value)
            else:
                page.fill(selector, value)
        if action in C:
            page.fill(f"#{action}-comment", C[action])
        with page.expect_navigation():
            page.click(f"#button-{action}")
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_on(page: Any) -> str:
    return " | ".join(page.locator("ul.messages li").all_inner_texts())


def assert_state(obj: Any, state: str, page: Any = None) -> Any:
    obj.refresh_from_db()
    assert obj.state == state, (obj, messages_on(page) if page is not None else "")
    return obj


def test_one_round_through_every_step_to_an_agreement_in_service(
    browser, live_server, screenshot_dir
):
    started = time.monotonic()
    province = factories.region("370000", "山东省")
    qingdao = factories.region("370200", "青岛市")
    bureau_province = factories.OrganisationFactory(
        kind="province_bureau", name="山东省科学技术厅", region=province
    )
    bureau_city = factories.BureauFactory(name="青岛市科学技术局", region=qingdao)
    enterprise = factories.EnterpriseFactory(
        name="青岛海纳新材料有限公司", region=qingdao, address="青岛市崂山区科苑纬一路1号"
    )
    unit = factories.UnitFactory(name="中国海洋大学", region=qingdao)
    users = {
        "sheng": factories.UserFactory(
            username="sheng",
            role=Role.PROVINCE_ADMIN,
            organisation=bureau_province,
            region=province,
            display_name="省厅管理员",
        ),
        "shi": factories.UserFactory(
            username="shi",
            role=Role.CITY_BUREAU,
            organisation=bureau_city,
            region=qingdao,
            display_name="市局审核员",
        ),
        "qiye": factories.UserFactory(
            username="qiye",
            role=Role.ENTERPRISE,
            organisation=enterprise,
            region=qingdao,
            display_name="王经理",
        ),
        "danwei": factories.UserFactory(
            username="danwei",
            role=Role.UNIT,
            organisation=unit,
            region=qingdao,
            display_name="科研处",
        ),
        "zhuanjia": factories.UserFactory(
            username="zhuanjia",
            role=Role.RESEARCHER,
            organisation=unit,
            region=qingdao,
            display_name="李晓明",
        ),
    }
    factories.ResearcherFactory(
        unit=unit, user=users["zhuanjia"], name="李晓明", department="材料科学与工程学院"
    )
    demand = factories.DemandFactory(
        enterprise=enterprise, created_by=users["qiye"], title="高性能隔膜涂层工艺改进"
    )
    journey = Journey(browser, live_server.url, screenshot_dir)
    try:
        # 1. The province opens the round, phase dates relaxed.
        page = journey.open("sheng", reverse("dispatch:round_create"))
        page.fill("#id_name", ROUND_NAME)
        page.uncheck("#id_enforce_phases")
        journey.shot(page, "province-opens-round")
        with page.expect_navigation():
            page.click("#save-round")
        round_ = Round.objects.get(name=ROUND_NAME)
        assert not round_.enforce_phases and round_.region_id == "370000"
        journey.shot(page, "province-round-page")

        # 2. The enterprise applies with its demand and submits to the city bureau.
        page = journey.open("qiye", reverse("dispatch:round", args=[round_.pk]))
        with page.expect_navigation():
            page.click("#apply")
        page.select_option("#id_demand", str(demand.pk))
        page.check("#id_conditions_committed")
        page.fill("#id_conditions", "提供研发中心办公室、中试线和专人对接。")
        journey.shot(page, "enterprise-application-form")
        with page.expect_navigation():
            page.click("#save-application")
        application = EnterpriseApplication.objects.get(round=round_, enterprise=enterprise)
        page = journey.step("qiye", application, "submit")
        assert_state(application, EnterpriseApplication.State.SUBMITTED, page)
        journey.shot(page, "enterprise-application-submitted")

        # 3. The city bureau finds it in its queue and approves it.
        page = journey.open("shi", f"{reverse('dispatch:enterprise_applications')}?state=submitted")
        assert page.locator(f"a[href='{application.get_absolute_url()}']").count() == 1
        journey.shot(page, "city-review-queue")
        page = journey.step("shi", application, "approve")
        assert_state(application, EnterpriseApplication.State.APPROVED, page)
        journey.shot(page, "city-approved")

        # 4. The province sends the approved application to the units.
        queue = reverse("dispatch:enterprise_applications")
        page = journey.open("sheng", f"{queue}?state=approved")
        page.check(f"#send-{application.pk}")
        journey.shot(page, "province-send-to-units")
        with page.expect_navigation():
            page.click("#button-send_to_units")
        assert_state(application, EnterpriseApplication.State.DISPATCHED, page)

        # 5. The researcher applies and submits to their unit.
        page = journey.open("zhuanjia", application.get_absolute_url())
        with page.expect_navigation():
            page.click("#apply-as-commissioner")
        page.fill("#id_statement", "从事隔膜与涂层材料研究十年，主持相关省级项目三项。")
        page.fill("#id_plan", "每月驻企不少于五个工作日，协助优化浆料配方与涂布工艺。")
        journey.shot(page, "researcher-application-form")
        with page.expect_navigation():
            page.click("#submit-application")
        candidate = CommissionerApplication.objects.get(enterprise_application=application)
        assert_state(candidate, CommissionerApplication.State.SUBMITTED, page)
        journey.shot(page, "researcher-application-submitted")

        # 6. The unit approves.
        page = journey.step("danwei", candidate, "unit_approve")
        assert_state(candidate, CommissionerApplication.State.UNIT_APPROVED, page)
        journey.shot(page, "unit-approved")

        # 7. Both sides rank: the enterprise on its page, the researcher with the client.
        page = journey.open("qiye", reverse("dispatch:round", args=[round_.pk]))
        with page.expect_navigation():
            page.click("#rank-candidates")
        page.click("#ranking button.btn")
        page.wait_for_selector("ul.messages li")
        journey.shot(page, "enterprise-ranks-candidates")
        response = client_for(users["zhuanjia"]).post(
            reverse("dispatch:selection:researcher_ranking", args=[round_.pk]),
            {"line": [application.pk], f"rank-{application.pk}": "1"},
        )
        assert response.status_code == 302
        assert set(Preference.objects.values_list("side", flat=True)) == {
            Preference.Side.ENTERPRISE,
            Preference.Side.RESEARCHER,
        }

        # 8. The province computes the stable selection and applies it.
        page = journey.open("sheng", reverse("dispatch:round", args=[round_.pk]))
        with page.expect_navigation():
            page.click("#two-way-selection")
        journey.shot(page, "province-selection")
        with page.expect_navigation():
            page.click("form[action$='/run/'] button[type=submit]")
        run = SelectionRun.objects.get(round=round_)
        assert len(run.result["pairs"]) == 1
        journey.shot(page, "province-selection-computed")
        with page.expect_navigation():
            page.click("form[action$='/apply/'] button[type=submit]")
        assert_state(candidate, CommissionerApplication.State.SELECTED, page)
        dispatch = Dispatch.objects.get(commissioner_application=candidate)
        assert dispatch.selection_method == SelectionRun.Mode.STABLE

        # 9. The city bureau schedules and holds the meeting, confirms the intention, files.
        page = journey.step(
            "shi",
            dispatch,
            "schedule_meeting",
            fill={
                "#schedule_meeting-scheduled_at": "2026-06-01T09:30",
                "#schedule_meeting-place": "青岛市科技局三楼会议室",
            },
        )
        assert_state(dispatch, Dispatch.State.MEETING_SCHEDULED, page)
        journey.shot(page, "city-meeting-scheduled")
        page = journey.step(
            "shi", dispatch, "hold_meeting", fill={"#hold_meeting-outcome": "agreed"}
        )
        assert_state(dispatch, Dispatch.State.MEETING_HELD, page)
        city = client_for(users["shi"])
        step_url = reverse("dispatch:dispatch_step", args=[dispatch.pk])
        for action, state in (
            ("confirm_intention", Dispatch.State.INTENTION_CONFIRMED),
            ("file", Dispatch.State.FILED),
        ):
            city.post(step_url, {"action": action, "comment": C[action]})
            assert_state(dispatch, state)

        # 10. The province publishes the pairing (公示) and closes the publication.
        page = journey.step("sheng", dispatch, "start_publication")
        assert_state(dispatch, Dispatch.State.IN_PUBLICATION, page)
        public = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        notice = public.new_page()
        notice.goto(f"{live_server.url}{reverse('dispatch:publication')}")
        assert "青岛海纳新材料有限公司" in notice.content() and "李晓明" in notice.content()
        journey.shot(notice, "public-notice")
        public.close()
        page = journey.step("sheng", dispatch, "pass_publication")
        assert_state(dispatch, Dispatch.State.AGREEMENT_PENDING, page)

        # 11. The agreement is generated; each of the three parties confirms it.
        page = journey.open("qiye", dispatch.get_absolute_url())
        assert page.locator("#agreement-confirm").count() == 0  # nothing to confirm yet
        with page.expect_navigation():
            page.click("#agreement-generate button")
        document = AgreementDocument.objects.get(dispatch=dispatch)
        journey.shot(page, "agreement-generated")
        with page.expect_navigation():
            page.click("#agreement-confirm button")
        for username in ("zhuanjia", "danwei"):
            client_for(users[username]).post(step_url, {"action": "confirm_agreement"})
        assert_state(dispatch, Dispatch.State.IN_SERVICE)
        page = journey.open("qiye", dispatch.get_absolute_url())
        journey.shot(page, "in-service")
        docx = client_for(users["danwei"]).get(
            reverse("agreements:document", args=[dispatch.pk]) + "?format=docx"
        )
        assert docx.status_code == 200 and docx.content[:2] == b"PK"
    finally:
        journey.close()

    # The final state and the agreement.
    dispatch.refresh_from_db()
    assert dispatch.service_started_at is not None
    assert None not in (
        dispatch.enterprise_confirmed_at,
        dispatch.commissioner_confirmed_at,
        dispatch.unit_confirmed_at,
    )
    assert document.version == 1 and document.generated_by == users["qiye"]

    # The full timeline: every transition, by whom, with which comment.
    def timeline(obj: Any) -> list[tuple[str, str, str, str, str]]:
        return [
            (t.action, t.from_state, t.to_state, t.actor.username, t.comment)
            for t in Transition.objects.filter(object_type=obj.KIND, object_id=obj.pk)
            .select_related("actor")
            .order_by("created_at", "id")
        ]

    assert timeline(application) == [
        ("create", "", "draft", "qiye", ""),
        ("submit", "draft", "submitted", "qiye", ""),
        ("approve", "submitted", "approved", "shi", C["approve"]),
        ("send_to_units", "approved", "dispatched", "sheng", ""),
    ]
    selected = timeline(candidate)
    assert selected[:3] == [
        ("create", "", "draft", "zhuanjia", ""),
        ("submit", "draft", "submitted", "zhuanjia", ""),
        ("unit_approve", "submitted", "unit_approved", "danwei", C["unit_approve"]),
    ]
    [(action, source, target, actor, comment)] = selected[3:]
    assert (action, source, target, actor) == ("select", "unit_approved", "selected", "sheng")
    # "Two-way selection #n: stable matching", in the language of the province's browser.
    assert str(run.pk) in comment and run.get_mode_display() in comment
    pending, confirmed = Dispatch.State.AGREEMENT_PENDING, Dispatch.State.IN_SERVICE
    assert timeline(dispatch) == [
        ("create", "", "selected", "sheng", comment),
        ("schedule_meeting", "selected", "meeting_scheduled", "shi", C["schedule_meeting"]),
        ("hold_meeting", "meeting_scheduled", "meeting_held", "shi", C["hold_meeting"]),
        (
            "confirm_intention",
            "meeting_held",
            "intention_confirmed",
            "shi",
            C["confirm_intention"],
        ),
        ("file", "intention_confirmed", "filed", "shi", C["file"]),
        ("start_publication", "filed", "in_publication", "sheng", C["start_publication"]),
        ("pass_publication", "in_publication", pending, "sheng", C["pass_publication"]),
        ("confirm_agreement", pending, pending, "qiye", ""),
        ("confirm_agreement", pending, pending, "zhuanjia", ""),
        ("confirm_agreement", pending, pending, "danwei", ""),
        ("start_service", pending, confirmed, "danwei", ""),
    ]
    meeting = dispatch.meeting
    assert meeting.place == "青岛市科技局三楼会议室" and meeting.outcome == "agreed"

    # What each party was told and given to do; nothing is left open at the end.
    def todos(username: str) -> set[str]:
        return set(
            Todo.objects.filter(owner__username=username).values_list("target_type", flat=True)
        )

    assert todos("shi") == {"dispatch.enterpriseapplication", "dispatch.dispatch"}
    assert todos("sheng") == {"dispatch.enterpriseapplication", "dispatch.dispatch"}
    assert todos("danwei") == {"dispatch.commissionerapplication", "dispatch.dispatch"}
    assert todos("qiye") == {"dispatch.enterpriseapplication", "dispatch.dispatch"}
    assert todos("zhuanjia") == {"dispatch.commissionerapplication", "dispatch.dispatch"}
    assert not Todo.objects.filter(done_at__isnull=True).exists()
    in_service = Notification.objects.filter(
        kind="workflow", target_type="dispatch.dispatch", target_id=str(dispatch.pk)
    )
    for username in ("qiye", "zhuanjia", "shi", "sheng"):
        assert in_service.filter(
            recipient__username=username, title__contains=str(dispatch)
        ).exists(), username
    assert Notification.objects.filter(
        recipient__username="shi", target_type="dispatch.enterpriseapplication"
    ).exists()  # told of the submission
    assert Notification.objects.filter(
        recipient__username="danwei", target_type="dispatch.commissionerapplication"
    ).exists()  # told of the researcher's application

    assert len(journey.taken) >= 17 and all(p.stat().st_size > 10_000 for p in journey.taken)
    assert time.monotonic() - started < 90
