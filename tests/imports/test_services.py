"""Importing researchers and demands through the service: good rows saved, bad rows reported."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from techbridge.accounts.models import Role
from techbridge.audit.models import AuditEntry
from techbridge.core.errors import PermissionRefused, ValidationFailed
from techbridge.demands.models import Demand
from techbridge.imports import services
from techbridge.imports.models import ImportRun
from techbridge.search.models import SearchTerm
from techbridge.talent.models import Achievement, Researcher
from tests import factories
from tests.imports.conftest import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

RESEARCHER_HEADER = [
    "姓名",
    "单位",
    "职称",
    "职称级别",
    "学位",
    "学科代码",
    "研究方向关键词",
    "简介",
    "所在地区代码",
    "可服务企业数",
    "邮箱",
    "电话",
    "代表性成果",
]


def researcher_rows(unit_name: str) -> list[list[object]]:
    return [
        RESEARCHER_HEADER,
        # row 2: good, every column filled
        [
            "王芳",
            unit_name,
            "教授",
            "正高级",
            "博士",
            "430",
            "锂离子电池，固态电解质、隔膜",
            "从事电池材料研究。",
            "370200",
            3,
            "wangfang@example.edu.cn",
            13800000001,
            "论文：高镍正极材料的表面包覆研究（2023）；专利：一种隔膜涂层",
        ],
        # row 3: the required name is missing
        ["", unit_name, "副教授", "副高级", "博士", "430", "", "", "", "", "", "", ""],
        # row 4: unknown discipline code
        ["李强", "", "研究员", "正高级", "博士", "999", "", "", "", "", "", "", ""],
        # row 5: unknown title level
        ["赵敏", "", "讲师", "特级", "硕士", "430", "", "", "", "", "", "", ""],
        # row 6: duplicate of row 2
        ["王芳", "", "教授", "正高级", "博士", "430", "", "", "", "", "", "", ""],
        # row 7: refused by the model's validation (capacity above 20)
        ["陈晨", "", "", "", "", "", "", "", "", 99, "", "", ""],
        # row 8: good, references by name, several disciplines, another region
        [
            "刘洋",
            "",
            "副研究员",
            "副高",
            "硕士",
            "材料科学、520",
            "机器学习",
            "",
            "济南市",
            "",
            "",
            "",
            "",
        ],
        # row 9: already in the database
        ["已有专家", "", "", "", "", "", "", "", "", "", "", "", ""],
    ]


@pytest.fixture
def unit_user(users):
    return users["unit"]


def test_researcher_xlsx_saves_good_rows_and_reports_each_bad_one(refdata, unit_user):
    unit = unit_user.organisation
    factories.ResearcherFactory(unit=unit, name="已有专家")
    before = Researcher.objects.count()

    run = services.import_researchers(
        actor=unit_user,
        unit=unit,
        file_name="专家.xlsx",
        content=xlsx_bytes(researcher_rows(unit.name)),
    )

    assert (run.total_rows, run.saved_rows, run.failed_rows) == (8, 2, 6)
    assert Researcher.objects.count() == before + 2
    problems = {(e["row"], e["column"]) for e in run.errors}
    assert problems == {
        (3, "姓名"),
        (4, "学科"),
        (5, "职称级别"),
        (6, "姓名"),
        (7, "可服务企业数"),
        (9, "姓名"),
    }
    messages = {e["row"]: e["message"] for e in run.errors}
    assert messages[3] == "This column is required."
    assert "999" in messages[4] and "discipline" in messages[4]
    assert "特级" in messages[5] and "正高级" in messages[5]
    assert messages[6] == "Duplicate of row 2 in this file."
    assert messages[9] == "A researcher with this name already exists in this unit."

    wang = Researcher.objects.get(name="王芳")
    assert wang.unit == unit
    assert wang.title_level == "senior_full" and wang.degree == "doctorate"
    assert wang.keywords == ["锂离子电池", "固态电解质", "隔膜"]
    assert wang.capacity == 3 and wang.phone == "13800000001"
    assert [d.code for d in wang.disciplines.all()] == ["430"]
    achievements = {(a.kind, a.title, a.year) for a in wang.achievements.all()}
    assert achievements == {
        (Achievement.Kind.PAPER, "高镍正极材料的表面包覆研究", 2023),
        (Achievement.Kind.PATENT, "一种隔膜涂层", None),
    }
    liu = Researcher.objects.get(name="刘洋")
    assert sorted(d.code for d in liu.disciplines.all()) == ["430", "520"]
    assert liu.region_id == "370100" and liu.title_level == "senior_deputy"
    for name in ("李强", "赵敏", "陈晨"):
        assert not Researcher.objects.filter(name=name).exists()


def test_bad_rows_leave_nothing_behind(refdata, unit_user):
    unit = unit_user.organisation
    rows = [
        RESEARCHER_HEADER,
        ["陈晨", "", "", "", "", "", "关键词", "", "", 99, "", "", "论文：某论文（2020）"],
        ["周涛", "", "", "", "", "", "", "", "", "", "not-an-e-mail", "", ""],
    ]
    counts = (
        Researcher.objects.count(),
        Achievement.objects.count(),
        SearchTerm.objects.count(),
        AuditEntry.objects.exclude(action="import").count(),
    )

    run = services.import_researchers(
        actor=unit_user, unit=unit, file_name="a.xlsx", content=xlsx_bytes(rows)
    )

    assert run.saved_rows == 0 and run.failed_rows == 2
    assert {(e["row"], e["column"]) for e in run.errors} == {(2, "可服务企业数"), (3, "邮箱")}
    assert counts == (
        Researcher.objects.count(),
        Achievement.objects.count(),
        SearchTerm.objects.count(),
        AuditEntry.objects.exclude(action="import").count(),
    )


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_researcher_csv_in_utf8_and_gbk(refdata, unit_user, encoding):
    unit = unit_user.organisation
    factories.ResearcherFactory(unit=unit, name="已有专家")

    run = services.import_researchers(
        actor=unit_user,
        unit=unit,
        file_name="专家.CSV",
        content=csv_bytes(researcher_rows(unit.name), encoding),
    )

    assert (run.total_rows, run.saved_rows, run.failed_rows) == (8, 2, 6)
    assert sorted({e["row"] for e in run.errors}) == [3, 4, 5, 6, 7, 9]
    assert Researcher.objects.get(name="王芳").keywords == ["锂离子电池", "固态电解质", "隔膜"]


def test_unit_column_must_name_the_unit_imported_into(refdata, unit_user):
    rows = [["姓名", "单位"], ["王芳", "另一所大学"]]
    run = services.import_researchers(
        actor=unit_user, unit=unit_user.organisation, file_name="a.csv", content=csv_bytes(rows)
    )
    assert run.saved_rows == 0
    assert run.errors[0]["column"] == "单位" and "另一所大学" in run.errors[0]["message"]


DEMAND_HEADER = [
    "需求名称",
    "公开摘要",
    "需求描述",
    "预期成果",
    "行业代码",
    "技术领域(学科)",
    "关键词",
    "合作方式",
    "预算下限(万元)",
    "预算上限(万元)",
    "截止日期",
    "所在地区",
    "保密级别",
    "联系人",
    "联系电话",
]


def demand_rows() -> list[list[object]]:
    return [
        DEMAND_HEADER,
        # row 2: good
        [
            "隔膜涂层工艺改进",
            "寻求合作",
            "陶瓷涂覆隔膜高温收缩率偏高。",
            "收缩率低于2%",
            "39",
            "430",
            "隔膜、陶瓷涂层",
            "联合研发",
            20,
            50,
            datetime.date(2027, 6, 30),
            "370200",
            "仅向受邀专家公开",
            "李华",
            "0532-88888888",
        ],
        # row 3: budget range inverted
        [
            "电机控制算法",
            "",
            "需要优化算法。",
            "",
            "38",
            "",
            "",
            "技术咨询",
            80,
            30,
            "",
            "",
            "",
            "",
            "",
        ],
        # row 4: unknown cooperation mode
        ["传感器封装", "", "封装可靠性差。", "", "39", "", "", "众包", "", "", "", "", "", "", ""],
        # row 5: description missing
        ["产线数字化", "", "", "", "39", "", "", "技术诊断", "", "", "", "", "", "", ""],
        # row 6: duplicate title of row 2
        [
            "隔膜涂层工艺改进",
            "",
            "重复。",
            "",
            "39",
            "",
            "",
            "联合研发",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        # row 7: good, industry and discipline by name, default region and confidentiality
        [
            "芯片散热方案",
            "",
            "需要新的散热结构。",
            "",
            "计算机、通信和其他电子设备制造业",
            "计算机科学技术",
            "散热",
            "技术转让",
            "5万",
            "",
            "2027年1月5日",
            "",
            "",
            "",
            "",
        ],
        # row 8: unknown industry, bad date
        [
            "电池回收",
            "",
            "回收工艺。",
            "",
            "99",
            "",
            "",
            "技术许可",
            "",
            "",
            "明年",
            "",
            "",
            "",
            "",
        ],
    ]


@pytest.fixture
def enterprise_user(users):
    return users["enterprise"]


def test_demand_xlsx_saves_good_rows_and_reports_each_bad_one(refdata, enterprise_user):
    enterprise = enterprise_user.organisation
    before = Demand.objects.count()

    run = services.import_demands(
        actor=enterprise_user,
        enterprise=enterprise,
        file_name="需求.xlsx",
        content=xlsx_bytes(demand_rows()),
    )

    assert (run.total_rows, run.saved_rows, run.failed_rows) == (7, 2, 5)
    assert Demand.objects.count() == before + 2
    assert [(e["row"], e["column"]) for e in run.errors] == [
        (3, "预算下限(万元)"),
        (4, "合作方式"),
        (5, "需求描述"),
        (6, "需求名称"),
        (8, "行业代码"),
        (8, "截止日期"),
    ]
    messages = {e["row"]: e["message"] for e in run.errors}
    assert messages[3] == "The lower end of the budget range is above its upper end."
    assert "众包" in messages[4] and "联合研发" in messages[4]

    first = Demand.objects.get(title="隔膜涂层工艺改进")
    assert first.enterprise == enterprise and first.created_by == enterprise_user
    assert first.status == Demand.Status.DRAFT
    assert first.cooperation_mode == Demand.CooperationMode.JOINT_RD
    assert first.confidentiality == Demand.Confidentiality.INVITED
    assert (first.budget_min, first.budget_max) == (Decimal("20"), Decimal("50"))
    assert first.deadline == datetime.date(2027, 6, 30)
    assert first.keywords == ["隔膜", "陶瓷涂层"]
    second = Demand.objects.get(title="芯片散热方案")
    assert second.industry_id == "39" and second.region == enterprise.region
    assert second.budget_min == Decimal("5") and second.deadline == datetime.date(2027, 1, 5)
    assert second.confidentiality == Demand.Confidentiality.PUBLIC
    assert [d.code for d in second.disciplines.all()] == ["520"]
    assert not Demand.objects.filter(title__in=["电机控制算法", "传感器封装", "电池回收"]).exists()


def test_demand_csv_in_gbk(refdata, enterprise_user):
    rows = [[str(v) if isinstance(v, datetime.date) else v for v in row] for row in demand_rows()]
    run = services.import_demands(
        actor=enterprise_user,
        enterprise=enterprise_user.organisation,
        file_name="需求.csv",
        content=csv_bytes(rows, "gbk"),
    )
    assert (run.saved_rows, run.failed_rows) == (2, 5)
    assert Demand.objects.filter(title="芯片散热方案").exists()


def test_demand_already_in_the_database_is_a_duplicate(refdata, enterprise_user):
    factories.DemandFactory(enterprise=enterprise_user.organisation, title="隔膜涂层工艺改进")
    run = services.import_demands(
        actor=enterprise_user,
        enterprise=enterprise_user.organisation,
        file_name="需求.xlsx",
        content=xlsx_bytes(demand_rows()[:2]),
    )
    assert run.saved_rows == 0
    assert run.errors == [
        {
            "row": 2,
            "column": "需求名称",
            "message": "A demand with this title already exists for this enterprise.",
        }
    ]


def test_dry_run_validates_everything_and_saves_nothing(refdata, enterprise_user):
    counts = (Demand.objects.count(), SearchTerm.objects.count())

    run = services.import_demands(
        actor=enterprise_user,
        enterprise=enterprise_user.organisation,
        file_name="需求.xlsx",
        content=xlsx_bytes(demand_rows()),
        dry_run=True,
    )

    assert run.is_dry_run and run.saved_rows == 0
    assert (run.valid_rows, run.failed_rows) == (2, 5)
    assert len(run.errors) == 6
    assert counts == (Demand.objects.count(), SearchTerm.objects.count())


def test_run_is_recorded_and_audited(refdata, unit_user):
    rows = [["姓名"], ["王芳"], [""], ["王芳"]]
    run = services.import_researchers(
        actor=unit_user, unit=unit_user.organisation, file_name="a.xlsx", content=xlsx_bytes(rows)
    )
    stored = ImportRun.objects.get(pk=run.pk)
    assert stored.actor == unit_user and stored.organisation == unit_user.organisation
    assert stored.kind == "researchers" and stored.file_name == "a.xlsx"
    assert (stored.total_rows, stored.saved_rows, stored.failed_rows) == (2, 1, 1)
    assert stored.errors == [
        {"row": 4, "column": "姓名", "message": "Duplicate of row 2 in this file."}
    ]
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).get()
    assert entry.actor == unit_user and entry.object_id == str(run.pk)
    assert entry.detail["saved"] == 1 and entry.detail["failed"] == 1


# --- whole-file refusals -------------------------------------------------------------------------


def test_missing_required_columns_are_named(refdata, enterprise_user):
    rows = [["需求名称", "公开摘要"], ["隔膜", "摘要"]]
    with pytest.raises(ValidationFailed) as exc:
        services.import_demands(
            actor=enterprise_user,
            enterprise=enterprise_user.organisation,
            file_name="a.xlsx",
            content=xlsx_bytes(rows),
        )
    assert "需求描述、行业代码、合作方式" in exc.value.message
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize(
    ("file_name", "content", "expected"),
    [
        ("people.xls", b"\xd0\xcf\x11\xe0", "Only .xlsx and .csv files"),
        ("people.pdf", b"%PDF-1.4", "Only .xlsx and .csv files"),
        ("people.xlsx", b"", "The file is empty."),
        ("people.csv", b"", "The file is empty."),
        ("people.csv", b"\n\n", "The file is empty."),
        ("people.xlsx", b"not a zip", "not an Excel workbook"),
        ("people.csv", "姓名\n".encode(), "no data rows"),
        ("people.csv", b"\xff\xfe\x00\x00\xff", "neither UTF-8 nor GBK"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(
    refdata, unit_user, file_name, content, expected
):
    with pytest.raises(ValidationFailed) as exc:
        services.import_researchers(
            actor=unit_user, unit=unit_user.organisation, file_name=file_name, content=content
        )
    assert expected in exc.value.message


def test_row_limit(refdata, unit_user):
    rows = [["姓名"]] + [[f"专家{i}"] for i in range(6)]
    with pytest.raises(ValidationFailed) as exc:
        services.import_researchers(
            actor=unit_user,
            unit=unit_user.organisation,
            file_name="a.csv",
            content=csv_bytes(rows),
            max_rows=5,
        )
    assert "more than 5 data rows" in exc.value.message
    assert not Researcher.objects.filter(name__startswith="专家").exists()


def test_size_limit(refdata, unit_user, monkeypatch):
    monkeypatch.setattr("techbridge.imports.parsing.MAX_FILE_BYTES", 100)
    with pytest.raises(ValidationFailed) as exc:
        services.import_researchers(
            actor=unit_user, unit=unit_user.organisation, file_name="a.csv", content=b"x" * 101
        )
    assert "at most" in exc.value.message


def test_empty_rows_are_skipped_but_row_numbers_stay_those_of_the_sheet(refdata, unit_user):
    rows = [["姓名", "学科"], ["王芳", "430"], [None, None], ["李强", "999"]]
    run = services.import_researchers(
        actor=unit_user, unit=unit_user.organisation, file_name="a.xlsx", content=xlsx_bytes(rows)
    )
    assert run.total_rows == 2
    assert [e["row"] for e in run.errors] == [4]


# --- permissions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", ["researcher", "city_bureau", "province_admin", "auditor", "enterprise", "tech_manager"]
)
def test_only_units_import_researchers(refdata, users, role):
    with pytest.raises(PermissionRefused):
        services.import_researchers(
            actor=users[role],
            unit=users["unit"].organisation,
            file_name="a.csv",
            content=csv_bytes([["姓名"], ["王芳"]]),
        )
    assert not Researcher.objects.filter(name="王芳").exists()
    assert not ImportRun.objects.exists()


def test_a_unit_cannot_import_into_another_unit(refdata, users):
    other_unit_user = factories.UserFactory(role=Role.UNIT, organisation=factories.UnitFactory())
    with pytest.raises(PermissionRefused):
        services.import_researchers(
            actor=other_unit_user,
            unit=users["unit"].organisation,
            file_name="a.csv",
            content=csv_bytes([["姓名"], ["王芳"]]),
        )
    assert not Researcher.objects.filter(name="王芳").exists()


@pytest.mark.parametrize(
    "role", ["researcher", "unit", "city_bureau", "auditor", "other_enterprise", "tech_manager"]
)
def test_only_the_enterprise_and_its_managers_import_demands(refdata, users, role):
    with pytest.raises(PermissionRefused):
        services.import_demands(
            actor=users[role],
            enterprise=users["enterprise"].organisation,
            file_name="a.xlsx",
            content=xlsx_bytes(demand_rows()),
        )
    assert not Demand.objects.exists()


def test_an_authorised_tech_manager_imports_demands(refdata, users):
    manager = users["tech_manager"]
    enterprise = users["enterprise"].organisation
    enterprise.authorised_managers.add(manager)
    run = services.import_demands(
        actor=manager, enterprise=enterprise, file_name="a.xlsx", content=xlsx_bytes(demand_rows())
    )
    assert run.saved_rows == 2
    assert Demand.objects.filter(enterprise=enterprise, manager=manager).count() == 2


def test_a_superuser_imports_into_a_chosen_unit(refdata, unit):
    admin = factories.UserFactory(role=Role.PROVINCE_ADMIN, is_superuser=True)
    run = services.import_researchers(
        actor=admin, unit=unit, file_name="a.csv", content=csv_bytes([["姓名"], ["王芳"]])
    )
    assert run.saved_rows == 1 and Researcher.objects.get(name="王芳").unit == unit


def test_researchers_go_into_a_unit_not_an_enterprise(refdata, enterprise):
    admin = factories.UserFactory(role=Role.PROVINCE_ADMIN, is_superuser=True)
    with pytest.raises(ValidationFailed):
        services.import_researchers(
            actor=admin, unit=enterprise, file_name="a.csv", content=csv_bytes([["姓名"], ["王芳"]])
        )
