"""Every main page of every role works on a phone (390 px) as well as on a laptop (1366 px).

A small demo build gives each role its data; each demo account signs in once in its own
browser context. At 390 px every page must fit the screen (nothing wider than the window:
tables scroll inside their ``.table-wrap``) and the folded top menu must open. Screenshots of
every page at both widths go to ``test-results/e2e/phone-<role>-<page>-<width>.png``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from techbridge.accounts.models import User
from techbridge.demands.models import Demand
from techbridge.demands.selectors import demands_visible_to
from techbridge.demo.builder import DEMO_PASSWORD, build_demo_data
from techbridge.dispatch.models import Round
from techbridge.recommendations.selectors import can_see_researcher_recommendations
from techbridge.talent.models import Researcher

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 860}
ROLES = ("enterprise", "researcher", "unit", "city", "province", "manager", "auditor", "admin")

# Elements sticking out on the right, outside a box that scrolls: named in a failure message.
OVERFLOWING = """() => {
  const width = window.innerWidth, found = [];
  for (const e of document.querySelectorAll('body *')) {
    if (e.closest('.table-wrap')) continue;
    const box = e.getBoundingClientRect();
    if (box.width && box.right > width + 1)
      found.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                 (typeof e.className === 'string' && e.className ? '.' + e.className : '') +
                 ' → ' + Math.round(box.right));
  }
  return found.slice(0, 8);
}"""


def pages_for(user: User) -> dict[str, str]:
    """The main pages of ``user``'s role, by a short name."""
    visible = demands_visible_to(user).filter(status=Demand.Status.PUBLISHED).order_by("pk")
    # A demand whose page carries the recommendation panel, where this role has one.
    demand = next(
        (d for d in visible[:50] if can_see_researcher_recommendations(user, d)), visible.first()
    )
    researcher = Researcher.objects.filter(user=user).first() or Researcher.objects.first()
    round_ = Round.objects.order_by("pk").first()
    pages = {
        "home": reverse("core:home"),
        "demands": reverse("demands:list"),
        "demand": reverse("demands:detail", args=[demand.pk]),
        "talent": reverse("talent:list"),
        "researcher": reverse("talent:detail", args=[researcher.pk]),
        "teams": reverse("talent:teams"),
        "organisations": reverse("orgs:list"),
        "dispatch": reverse("dispatch:index"),
        "notifications": reverse("notifications:list"),
        "todos": reverse("notifications:todos"),
    }
    if round_ is not None:
        pages["round"] = reverse("dispatch:round", args=[round_.pk])
    if user.role in ("enterprise", "tech_manager") or user.is_superuser:
        pages["demand-form"] = reverse("demands:create")
    if user.role in ("unit", "enterprise", "tech_manager") or user.is_superuser:
        pages["import"] = reverse("imports:home")
    if user.role == "researcher":
        pages["profile-form"] = reverse("talent:edit", args=[researcher.pk])
    if user.role == "auditor" or user.is_superuser:
        pages["audit"] = reverse("audit:list")
    return pages


def sign_in(browser: Any, base_url: str, username: str) -> Any:
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
    return page


def check_menu(page: Any, screenshot: Path) -> None:
    """At phone width the links are folded behind the menu button, which opens them."""
    menu = page.locator("#topmenu")
    assert not menu.is_visible()
    page.click(".menu-toggle")
    assert menu.is_visible()
    assert page.locator(".mainnav a").first.is_visible()
    assert page.locator(".menu-toggle").get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(screenshot))
    page.click(".menu-toggle")
    assert not menu.is_visible()


def check_form_errors(page: Any, base_url: str, screenshot_dir: Path) -> None:
    """A form sent with mistakes shows every error beside its field, and still fits."""
    page.set_viewport_size(PHONE)
    page.goto(f"{base_url}{reverse('demands:create')}")
    page.fill("#id_title", "")
    page.select_option("#id_industry", "")
    page.fill("#id_summary", "保留这段摘要")
    with page.expect_navigation():
        page.click("button[name=save]")
    assert page.locator(".form-error-summary").is_visible()
    assert page.locator(".field-title.has-error .errorlist").is_visible()
    assert page.locator(".field-industry.has-error .errorlist").is_visible()
    assert page.input_value("#id_summary") == "保留这段摘要"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(
        path=str(screenshot_dir / "phone-enterprise-form-errors-390.png"), full_page=True
    )


def test_every_main_page_fits_a_phone_and_a_laptop(browser, live_server, screenshot_dir):
    build_demo_data(seed=42, scale=0.05)
    problems = []
    for username in ROLES:
        user = User.objects.get(username=username)
        page = sign_in(browser, live_server.url, username)
        check_menu(page, screenshot_dir / f"phone-{username}-menu-390.png")
        for name, path in pages_for(user).items():
            page.set_viewport_size(PHONE)
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status == 200, (username, path)
            # The panels htmx loads with the page (recommendations) are in.
            page.wait_for_function("!document.querySelector('[hx-trigger=load] > .loading')")
            fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            if not fits:
                problems.append((username, name, page.evaluate(OVERFLOWING)))
            shot = f"phone-{username}-{name}"
            page.screenshot(path=str(screenshot_dir / f"{shot}-390.png"), full_page=True)
            page.set_viewport_size(LAPTOP)
            if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
                problems.append((username, name, "1366", page.evaluate(OVERFLOWING)))
            page.screenshot(path=str(screenshot_dir / f"{shot}-1366.png"), full_page=True)
        if "demand-form" in pages_for(user) and user.role == "enterprise":
            check_form_errors(page, live_server.url, screenshot_dir)
        page.context.close()
    assert not problems, problems
