"""The audit trail page names steps, states and parties by their labels, never their codes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from techbridge.audit import services as audit
from techbridge.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_a_workflow_step_is_shown_in_words(client, users):
    audit.record(
        actor=users["enterprise"],
        action=AuditEntry.Action.UPDATE,
        object_type="dispatch.enterpriseapplication",
        object_id=7,
        summary="submit: draft → submitted",
        detail={"transition": "submit", "from": "draft", "to": "submitted", "party": "enterprise"},
    )
    client.force_login(users["auditor"])
    html = client.get(reverse("audit:list")).content.decode()

    assert "企业申报 #7" in html
    assert "提交市科技局: 草稿 → 已提交市科技局" in html
    assert "操作身份: 企业" in html
    assert "draft → submitted" not in html and "dispatch.enterpriseapplication#7<" not in html


def test_a_models_own_choices_and_long_details(client, users):
    audit.record(
        actor=users["enterprise"],
        action=AuditEntry.Action.UPDATE,
        object_type="demands.demand",
        object_id=3,
        summary="需求标题",
        detail={"status": "published", "ids": list(range(500))},
    )
    client.force_login(users["auditor"])
    html = client.get(reverse("audit:list")).content.decode()

    assert "技术需求 #3" in html and "已发布" in html
    assert "499" not in html  # a long detail is cut short
