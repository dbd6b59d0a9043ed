"""Reads for forms: provinces, cities, industries and disciplines, and grouped <select> choices."""

from __future__ import annotations

import pytest
from django import forms

from techbridge.core.errors import NotFound, ValidationFailed
from techbridge.refdata import selectors
from techbridge.refdata.models import Region

pytestmark = pytest.mark.django_db


def test_provinces_and_cities():
    assert selectors.provinces().count() == 34
    assert selectors.cities().count() == 337
    shandong = selectors.cities(province_code="370000")
    assert shandong.count() == 16
    assert shandong.first().name == "济南市"
    assert list(selectors.cities(province_code="110000").values_list("code", flat=True)) == [
        "110100"
    ]


def test_industry_sections_divisions_and_disciplines():
    assert selectors.industry_sections().count() == 20
    assert selectors.industry_divisions().count() == 97
    assert list(selectors.industry_divisions("I").values_list("code", flat=True)) == [
        "63",
        "64",
        "65",
    ]
    assert selectors.disciplines().count() == 62


def test_code_rows_lists_the_top_level_or_the_children_of_a_code():
    assert selectors.code_rows("regions").count() == 34
    assert selectors.code_rows("industries").count() == 20
    assert selectors.code_rows("disciplines").count() == 62
    children = selectors.code_rows("industries", parent_code="M")
    assert list(children.values_list("code", flat=True)) == ["73", "74", "75"]


def test_code_rows_refuses_unknown_tables_and_codes():
    with pytest.raises(ValidationFailed):
        selectors.code_rows("planets")
    with pytest.raises(NotFound) as excinfo:
        selectors.code_rows("regions", parent_code="999999")
    assert "999999" in excinfo.value.message


def test_province_choices_are_flat():
    choices = selectors.choices_for("provinces")
    assert len(choices) == 34
    assert choices[0] == ("110000", "北京市")
    assert ("370000", "山东省") in choices


def test_city_choices_are_grouped_by_province():
    groups = dict(selectors.choices_for("cities"))
    assert len(groups) == 31  # 台湾, 香港 and 澳门 have no city-level codes
    assert groups["北京市"] == (("110100", "北京市"),)
    assert ("370200", "青岛市") in groups["山东省"]
    assert len(groups["山东省"]) == 16
    assert sum(len(options) for options in groups.values()) == 337


def test_industry_choices_group_divisions_by_section():
    assert selectors.choices_for("industry_sections")[2] == ("C", "C 制造业")
    groups = dict(selectors.choices_for("industries"))
    assert len(groups) == 20
    assert ("39", "39 计算机、通信和其他电子设备制造业") in groups["C 制造业"]
    assert [code for code, _ in groups["I 信息传输、软件和信息技术服务业"]] == ["63", "64", "65"]


def test_discipline_choices_are_grouped_by_category():
    groups = dict(selectors.choices_for("disciplines"))
    assert list(groups) == ["自然科学", "农业科学", "医药科学", "工程与技术科学", "人文与社会科学"]
    assert ("430", "430 材料科学") in groups["工程与技术科学"]
    assert ("910", "910 统计学") in groups["人文与社会科学"]
    assert sum(len(options) for options in groups.values()) == 62


def test_grouped_choices_work_in_a_django_form():
    field = forms.ChoiceField(choices=selectors.choices_for("industries"))
    assert field.clean("39") == "39"
    with pytest.raises(forms.ValidationError):
        field.clean("C")  # a section is a group label, not a choice


def test_unknown_choice_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="planets"):
        selectors.choices_for("planets")


def test_choices_are_cached_until_a_row_changes():
    first = selectors.choices_for("provinces")
    assert selectors.choices_for("provinces") is first

    shandong = Region.objects.get(code="370000")
    shandong.name = "山东"
    shandong.save()

    assert ("370000", "山东") in selectors.choices_for("provinces")
