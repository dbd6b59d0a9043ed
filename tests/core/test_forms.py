"""One way every form shows its errors (``core.forms``): all of them at once, each beside its
field, in Chinese, with what the user typed kept — whether the form or a service found them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from techbridge.audit.models import AuditEntry
from techbridge.demands.models import Demand
from tests.demands.test_views import form_data

pytestmark = pytest.mark.django_db


def field_block(html: str, name: str) -> str:
    """The markup of one field as the shared field template renders it."""
    follows = '<div class="field |<button|<input type="hidden"'
    match = re.search(rf'<div class="field field-{name}[ "].*?</div>\s*(?={follows})', html, re.S)
    assert match, f"no field {name}"
    return match.group(0)


def test_every_form_error_is_shown_beside_its_field_in_chinese_with_the_values_kept(
    client, users, enterprise
):
    client.force_login(users["enterprise"])
    data = form_data(enterprise=enterprise.pk, title="", deadline="明年", budget_min="十万")
    response = client.post(reverse("demands:create"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "请更正下方标出的错误。" in html
    for name, message in (
        ("title", "这个字段是必填项。"),
        ("deadline", "输入一个有效的日期。"),
        ("budget_min", "输入一个数字。"),
    ):
        block = field_block(html, name)
        assert "has-error" in block and message in block, name
    # A field without error carries none, and everything typed is still there.
    assert "errorlist" not in field_block(html, "description")
    assert data["description"] in field_block(html, "description")
    assert 'value="十万"' in field_block(html, "budget_min")
    assert 'value="0532-88888888"' in field_block(html, "contact_phone")
    assert not Demand.objects.exists()


def test_a_service_error_lands_beside_the_field_it_names(client, users, enterprise):
    client.force_login(users["enterprise"])
    response = client.post(
        reverse("demands:create"),
        form_data(enterprise=enterprise.pk, budget_min="80", budget_max="20"),
    )

    assert response.status_code == 200
    html = response.content.decode()
    block = field_block(html, "budget_min")
    assert "预算下限高于预算上限。" in block and 'value="80"' in block
    assert 'value="20"' in field_block(html, "budget_max")
    assert not Demand.objects.exists() and not AuditEntry.objects.exists()


def test_an_edit_refused_by_the_service_changes_nothing(client, users, enterprise):
    demand = Demand.objects.create(
        enterprise=enterprise,
        created_by=users["enterprise"],
        **{
            k: v
            for k, v in form_data().items()
            if k in ("title", "summary", "description", "cooperation_mode", "confidentiality")
        },
        industry_id=form_data()["industry"],
        region_id=form_data()["region"],
    )
    client.force_login(users["enterprise"])
    response = client.post(
        reverse("demands:edit", args=[demand.pk]),
        form_data(title="新的标题", budget_min="80", budget_max="20"),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "预算下限高于预算上限。" in field_block(html, "budget_min")
    assert 'value="新的标题"' in field_block(html, "title")  # what was typed, not what is saved
    demand.refresh_from_db()
    assert demand.title == form_data()["title"] and demand.budget_min is None
