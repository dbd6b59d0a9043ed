"""Fixtures for import tests: reference rows, and spreadsheets built in memory."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from tests import factories


@pytest.fixture
def refdata(db):
    """The codes the templates' examples and the test files use."""
    return {
        "region": factories.region("370200", "青岛市"),
        "other_region": factories.region("370100", "济南市"),
        "industry": factories.industry("39", "计算机、通信和其他电子设备制造业"),
        "other_industry": factories.industry("38", "电气机械和器材制造业"),
        "materials": factories.discipline("430", "材料科学"),
        "computing": factories.discipline("520", "计算机科学技术"),
    }


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture(autouse=True)
def english():
    """Messages are compared with their English source, whatever translations exist."""
    with translation.override("en"):
        yield
