"""``techbridge refdata load`` and ``techbridge refdata show``."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from techbridge.refdata.commands import app
from techbridge.refdata.models import Industry

pytestmark = pytest.mark.django_db

runner = CliRunner()


def test_load_prints_the_counts_and_repairs_the_tables():
    Industry.objects.filter(code="39").update(name="电子设备制造业")

    result = runner.invoke(app, ["load"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines == ["regions: 3214", "industries: 117", "disciplines: 62", "created: 0",
                     "updated: 1"]  # fmt: skip
    assert Industry.objects.get(code="39").name == "计算机、通信和其他电子设备制造业"


def test_show_lists_the_top_level():
    result = runner.invoke(app, ["show", "industries"])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 20
    assert lines[2] == "C\t制造业"


def test_show_lists_the_children_of_a_parent():
    result = runner.invoke(app, ["show", "regions", "--parent", "370000"])

    assert result.exit_code == 0, result.output
    assert "370200\t青岛市" in result.output.splitlines()


def test_show_refuses_an_unknown_parent():
    result = runner.invoke(app, ["show", "regions", "--parent", "999999"])

    assert result.exit_code == 1
    assert "999999" in result.output


def test_show_refuses_an_unknown_table():
    result = runner.invoke(app, ["show", "planets"])

    assert result.exit_code != 0
