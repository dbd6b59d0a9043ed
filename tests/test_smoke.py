"""The skeleton holds together: migrations apply, the login page renders, an anonymous
visitor's home is the landing page."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_login_page_renders_in_chinese(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_home_is_the_landing_page_for_anonymous_visitors(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'href="/accounts/register/"' in response.content.decode()
