"""``techbridge import …`` on the command line."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from techbridge.imports.commands import app
from techbridge.imports.models import ImportRun
from techbridge.talent.models import Researcher
from tests.imports.conftest import xlsx_bytes

pytestmark = pytest.mark.django_db

runner = CliRunner()


@pytest.fixture
def people_file(tmp_path):
    path = tmp_path / "people.xlsx"
    path.write_bytes(xlsx_bytes([["姓名", "学科"], ["王芳", "430"], ["李强", "999"]]))
    return path


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


def test_import_researchers_prints_the_errors_and_fails(refdata, users, people_file):
    unit_user = users["unit"]
    result = invoke(
        "researchers", people_file, "--unit", unit_user.organisation_id, "--as", unit_user.username
    )
    assert result.exit_code == 1
    assert "999" in result.stdout and "2 rows: 1 saved, 1 with errors" in result.stdout
    assert Researcher.objects.filter(name="王芳").exists()
    assert ImportRun.objects.get().actor == unit_user


def test_clean_file_exits_zero(refdata, users, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text("姓名\n王芳\n", encoding="gbk")
    unit_user = users["unit"]
    result = invoke(
        "researchers", path, "--unit", unit_user.organisation_id, "--as", unit_user.username
    )
    assert result.exit_code == 0, result.output


def test_dry_run_saves_nothing(refdata, users, people_file):
    unit_user = users["unit"]
    result = invoke(
        "researchers",
        people_file,
        "--unit",
        unit_user.organisation_id,
        "--as",
        unit_user.username,
        "--dry-run",
    )
    assert result.exit_code == 1
    assert "dry run" in result.stdout
    assert not Researcher.objects.filter(name="王芳").exists()


def test_the_permission_rules_apply_on_the_command_line(refdata, users, people_file):
    result = invoke(
        "researchers",
        people_file,
        "--unit",
        users["unit"].organisation_id,
        "--as",
        users["city_bureau"].username,
    )
    assert result.exit_code == 2
    assert not Researcher.objects.filter(name="王芳").exists()
    result = invoke(
        "demands",
        people_file,
        "--enterprise",
        users["enterprise"].organisation_id,
        "--as",
        users["other_enterprise"].username,
    )
    assert result.exit_code == 2


def test_unknown_user_or_organisation(refdata, users, people_file):
    assert (
        invoke(
            "researchers", people_file, "--unit", 999999, "--as", users["unit"].username
        ).exit_code
        == 2
    )
    assert (
        invoke(
            "researchers", people_file, "--unit", users["unit"].organisation_id, "--as", "nobody"
        ).exit_code
        == 2
    )


def test_template_command_writes_xlsx_and_csv(tmp_path):
    xlsx = tmp_path / "demands.xlsx"
    assert invoke("template", "demands", "--out", xlsx).exit_code == 0
    assert load_workbook(xlsx).sheetnames[1] == "说明"
    csv_path = tmp_path / "researchers.csv"
    assert invoke("template", "researchers", "--out", csv_path).exit_code == 0
    assert csv_path.read_text(encoding="utf-8-sig").startswith("姓名,")
    assert invoke("template", "researchers", "--out", tmp_path / "x.pdf").exit_code == 2
