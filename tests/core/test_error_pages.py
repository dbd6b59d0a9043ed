"""Chinese error pages with a way back; the 500 page needs neither the database nor context
processors."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.views import defaults

pytestmark = pytest.mark.django_db


def test_404_is_chinese_with_a_way_home(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert 'href="/"' in html and "history.back()" in html


def test_403_is_chinese_with_a_way_home(client, users):
    client.force_login(users["enterprise"])

    response = client.get("/orgs/verification/")

    assert response.status_code == 403
    html = response.content.decode()
    assert "返回首页" in html and "history.back()" in html


def test_403_from_django_permission_denied_uses_the_template(rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    request = rf.get("/")
    request.user = AnonymousUser()
    response = defaults.permission_denied(request, PermissionDenied())

    assert response.status_code == 403
    assert "无权" in response.content.decode() or "不允许" in response.content.decode()


def test_500_renders_without_the_database(rf: RequestFactory, django_assert_num_queries):
    request = rf.get("/")

    with django_assert_num_queries(0):
        response = defaults.server_error(request)

    assert response.status_code == 500
    html = response.content.decode()
    assert "服务器出错" in html or "出错" in html
    assert 'href="/"' in html
