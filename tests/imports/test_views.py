"""The import pages end to end with the Django test client."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from techbridge.accounts.models import Role
from techbridge.demands.models import Demand
from techbridge.imports.models import ImportRun
from techbridge.talent.models import Researcher
from tests import factories
from tests.imports.conftest import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def researchers_file(name: str = "专家.xlsx") -> SimpleUploadedFile:
    rows = [
        ["姓名", "学科代码", "职称级别"],
        ["王芳", "430", "正高级"],
        ["李强", "999", "正高级"],
        ["", "430", ""],
    ]
    return SimpleUploadedFile(name, xlsx_bytes(rows), content_type=XLSX)


def upload(client, kind, file, **extra):
    data = {f"{kind}-file": file, **{f"{kind}-{k}": v for k, v in extra.items()}}
    return client.post(reverse("imports:upload", args=[kind]), data)


def test_unit_uploads_researchers_and_reads_the_result(client, users, refdata):
    user = users["unit"]
    client.force_login(user)
    page = client.get(reverse("imports:home"))
    assert page.status_code == 200
    assert reverse("imports:upload", args=["researchers"]) in page.text
    assert reverse("imports:upload", args=["demands"]) not in page.text
    assert 'hx-indicator="#indicator-researchers"' in page.text

    response = upload(client, "researchers", researchers_file(), organisation=user.organisation_id)

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:run", args=[run.pk])
    assert Researcher.objects.filter(name="王芳", unit=user.organisation).exists()
    assert not Researcher.objects.filter(name="李强").exists()
    result = client.get(response["Location"])
    assert result.status_code == 200
    assert "999" in result.text and "此列为必填项。" in result.text
    assert "<td>3</td><td>学科</td>" in result.text and "<td>4</td><td>姓名</td>" in result.text

    report = client.get(reverse("imports:run_errors", args=[run.pk]))
    assert report.status_code == 200 and report["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(report.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("行", "列", "原因")
    assert [(r[0], r[1]) for r in rows[1:]] == [(3, "学科"), (4, "姓名")]

    home = client.get(reverse("imports:home"))
    assert "专家.xlsx" in home.text


def test_htmx_upload_redirects_on_the_client(client, users, refdata):
    client.force_login(users["unit"])
    response = client.post(
        reverse("imports:upload", args=["researchers"]),
        {
            "researchers-file": researchers_file(),
            "researchers-organisation": users["unit"].organisation_id,
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("imports:run", args=[ImportRun.objects.get().pk])


def test_dry_run_from_the_web_saves_nothing(client, users, refdata):
    client.force_login(users["unit"])
    before = Researcher.objects.count()
    response = upload(
        client,
        "researchers",
        researchers_file(),
        organisation=users["unit"].organisation_id,
        dry_run="on",
    )
    assert response.status_code == 302
    assert Researcher.objects.count() == before
    result = client.get(response["Location"])
    assert "本次为试运行" in result.text


def test_a_refused_file_comes_back_as_a_form_error(client, users, refdata):
    client.force_login(users["unit"])
    bad_columns = SimpleUploadedFile("a.csv", csv_bytes([["名字"], ["王芳"]]))
    response = upload(
        client, "researchers", bad_columns, organisation=users["unit"].organisation_id
    )
    assert response.status_code == 200
    assert "缺少必填列：姓名" in response.text
    wrong_type = SimpleUploadedFile("a.txt", b"hello")
    response = upload(client, "researchers", wrong_type, organisation=users["unit"].organisation_id)
    assert "仅支持导入 .xlsx 和 .csv 文件" in response.text
    assert not ImportRun.objects.exists()


def test_enterprise_uploads_demands(client, users, refdata):
    user = users["enterprise"]
    client.force_login(user)
    rows = [
        ["需求名称", "需求描述", "行业代码", "合作方式"],
        ["芯片散热方案", "需要新的散热结构。", "39", "技术咨询"],
        ["电池回收", "回收工艺。", "39", "众包"],
    ]
    response = upload(
        client,
        "demands",
        SimpleUploadedFile("需求.csv", csv_bytes(rows, "gbk")),
        organisation=user.organisation_id,
    )
    assert response.status_code == 302
    assert Demand.objects.filter(enterprise=user.organisation).count() == 1
    assert "众包" in client.get(response["Location"]).text


def test_a_unit_user_cannot_post_into_another_unit(client, users, refdata):
    other_unit = factories.UnitFactory()
    client.force_login(users["unit"])
    response = upload(client, "researchers", researchers_file(), organisation=other_unit.pk)
    assert response.status_code == 200  # not among the choices: a form error
    assert not Researcher.objects.filter(unit=other_unit).exists()
    assert not ImportRun.objects.exists()


def test_tech_manager_chooses_among_authorised_enterprises(client, users, refdata):
    manager = users["tech_manager"]
    enterprise = users["enterprise"].organisation
    client.force_login(manager)
    page = client.get(reverse("imports:home"))
    assert enterprise.name not in page.text
    enterprise.authorised_managers.add(manager)
    page = client.get(reverse("imports:home"))
    assert enterprise.name in page.text


@pytest.mark.parametrize("role", ["researcher", "city_bureau", "province_admin", "auditor"])
def test_roles_that_do_not_import_get_403(client, users, refdata, role):
    client.force_login(users[role])
    assert client.get(reverse("imports:home")).status_code == 403
    response = upload(
        client, "researchers", researchers_file(), organisation=users["unit"].organisation_id
    )
    assert response.status_code == 403
    response = client.get(reverse("imports:template", args=["researchers", "xlsx"]))
    assert response.status_code == 403
    assert not ImportRun.objects.exists()
    assert not Researcher.objects.filter(name="王芳").exists()


def test_an_enterprise_cannot_import_researchers(client, users, refdata):
    client.force_login(users["enterprise"])
    response = upload(
        client, "researchers", researchers_file(), organisation=users["unit"].organisation_id
    )
    assert response.status_code == 403
    assert not Researcher.objects.filter(name="王芳").exists()


def test_a_unit_cannot_import_demands(client, users, refdata):
    client.force_login(users["unit"])
    rows = [["需求名称", "需求描述", "行业代码", "合作方式"], ["a", "b", "39", "技术咨询"]]
    response = upload(
        client,
        "demands",
        SimpleUploadedFile("a.csv", csv_bytes(rows)),
        organisation=users["enterprise"].organisation_id,
    )
    assert response.status_code == 403
    assert not Demand.objects.exists()


def test_runs_of_others_are_not_shown(client, users, refdata):
    run = ImportRun.objects.create(kind="researchers", file_name="a.xlsx", actor=users["unit"])
    other_unit_user = factories.UserFactory(role=Role.UNIT, organisation=factories.UnitFactory())
    client.force_login(other_unit_user)
    assert client.get(reverse("imports:run", args=[run.pk])).status_code == 404
    assert client.get(reverse("imports:run_errors", args=[run.pk])).status_code == 404
    assert "a.xlsx" not in client.get(reverse("imports:home")).text


def test_superuser_sees_both_forms_and_chooses_the_unit(client, users, refdata, unit):
    admin = factories.UserFactory(role=Role.PROVINCE_ADMIN, is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("imports:home"))
    assert reverse("imports:upload", args=["researchers"]) in page.text
    assert reverse("imports:upload", args=["demands"]) in page.text
    response = upload(client, "researchers", researchers_file(), organisation=unit.pk)
    assert response.status_code == 302
    assert Researcher.objects.get(name="王芳").unit == unit


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(reverse("imports:home"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("file_format", "content_type"), [("xlsx", XLSX), ("csv", "text/csv")])
def test_template_download(client, users, refdata, file_format, content_type):
    client.force_login(users["enterprise"])
    response = client.get(reverse("imports:template", args=["demands", file_format]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert "attachment" in response["Content-Disposition"]
    assert client.get(reverse("imports:template", args=["demands", "pdf"])).status_code == 404


def test_progress_of_an_upload_can_be_polled(client, users, refdata):
    client.force_login(users["unit"])
    token = "ab" * 16
    upload(
        client,
        "researchers",
        researchers_file(),
        organisation=users["unit"].organisation_id,
        progress_token=token,
    )
    response = client.get(reverse("imports:progress"), {"token": token})
    assert response.status_code == 200
    assert "已校验 3 / 3 行" in response.text
    client.force_login(users["enterprise"])  # another user cannot read it
    response = client.get(reverse("imports:progress"), {"token": token})
    assert "3 of 3" not in response.text
