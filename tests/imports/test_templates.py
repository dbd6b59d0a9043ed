"""The downloadable templates: headers, the 说明 sheet, and an example row that imports cleanly."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from techbridge.core.errors import ValidationFailed
from techbridge.demands.models import Demand
from techbridge.imports import services
from techbridge.talent.models import Researcher

pytestmark = pytest.mark.django_db


def test_researcher_template_has_headers_explanations_and_an_example():
    workbook = load_workbook(io.BytesIO(services.build_template("researchers")))
    assert workbook.sheetnames[1] == "说明"
    data = workbook.worksheets[0]
    headers = [c.value for c in data[1]]
    assert headers[0] == "姓名" and "职称级别" in headers and "研究方向关键词" in headers
    assert data.max_row == 2
    notes = {row[0]: row for row in workbook["说明"].iter_rows(min_row=4, values_only=True)}
    assert set(notes) == set(headers)
    assert notes["姓名"][1] == "Yes" and notes["邮箱"][1] == "No"
    assert notes["职称级别"][2] == "正高级、副高级、中级、初级、无"


def test_demand_template_lists_the_cooperation_modes_and_confidentiality_levels():
    workbook = load_workbook(io.BytesIO(services.build_template("demands")))
    notes = {row[0]: row for row in workbook["说明"].iter_rows(min_row=4, values_only=True)}
    assert notes["合作方式"][2] == "技术咨询、技术诊断、联合研发、技术转让、技术许可、科技专员派驻"
    assert notes["保密级别"][2] == "公开、仅向受邀专家公开、保密"
    assert {h for h, row in notes.items() if row[1] == "Yes"} == {
        "需求名称",
        "需求描述",
        "行业代码",
        "合作方式",
    }


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_researcher_template_round_trips(refdata, users, file_format):
    unit_user = users["unit"]
    content = services.build_template(
        "researchers", file_format=file_format, organisation=unit_user.organisation
    )
    run = services.import_researchers(
        actor=unit_user,
        unit=unit_user.organisation,
        file_name=f"template.{file_format}",
        content=content,
    )
    assert run.errors == []
    assert run.saved_rows == 1
    example = Researcher.objects.get(name="张明")
    assert example.title_level == "senior_full" and example.achievements.count() == 1


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_demand_template_round_trips(refdata, users, file_format):
    user = users["enterprise"]
    content = services.build_template("demands", file_format=file_format)
    run = services.import_demands(
        actor=user,
        enterprise=user.organisation,
        file_name=f"template.{file_format}",
        content=content,
    )
    assert run.errors == []
    assert Demand.objects.get(enterprise=user.organisation).cooperation_mode == "joint_rd"


def test_csv_template_opens_in_excel_as_utf8():
    assert services.build_template("demands", file_format="csv").startswith(b"\xef\xbb\xbf")


def test_unknown_template_kind_or_format():
    with pytest.raises(ValidationFailed):
        services.build_template("teams")
    with pytest.raises(ValidationFailed):
        services.build_template("demands", file_format="pdf")
