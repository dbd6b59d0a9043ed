"""Settings come from the environment; production refuses the development secret key."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def _load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import techbridge.settings as s; print(s.DATABASES['default']['ENGINE'])",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_the_default_secret_key():
    result = _load_settings(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = _load_settings(DEBUG="false", SECRET_KEY="a-real-secret-" + "x" * 40)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("sqlite:////tmp/tb.sqlite3", "django.db.backends.sqlite3"),
        ("postgres://u@127.0.0.1:5432/tb", "django.db.backends.postgresql"),
    ],
)
def test_database_comes_from_database_url(url, engine):
    result = _load_settings(DATABASE_URL=url)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == engine
