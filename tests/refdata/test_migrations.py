"""The data migration loaded the complete tables, with the codes and names of the standards."""

from __future__ import annotations

import string

import pytest

from techbridge.refdata.models import Discipline, Industry, Region
from tests import factories

pytestmark = pytest.mark.django_db


def test_industries_have_20_sections_and_97_divisions():
    sections = Industry.objects.filter(level=1)
    divisions = Industry.objects.filter(level=2)
    assert list(sections.values_list("code", flat=True)) == list(string.ascii_uppercase[:20])
    assert list(divisions.values_list("code", flat=True)) == [f"{n:02d}" for n in range(1, 98)]
    assert not sections.filter(parent__isnull=False).exists()
    assert not divisions.filter(parent__level=2).exists()
    assert not divisions.filter(parent__isnull=True).exists()
    assert Industry.objects.count() == 117


@pytest.mark.parametrize(
    ("code", "name", "parent"),
    [
        ("A", "农、林、牧、渔业", None),
        ("C", "制造业", None),
        ("I", "信息传输、软件和信息技术服务业", None),
        ("M", "科学研究和技术服务业", None),
        ("T", "国际组织", None),
        ("01", "农业", "A"),
        ("05", "农、林、牧、渔专业及辅助性活动", "A"),
        ("11", "开采专业及辅助性活动", "B"),
        ("13", "农副食品加工业", "C"),
        ("39", "计算机、通信和其他电子设备制造业", "C"),
        ("43", "金属制品、机械和设备修理业", "C"),
        ("44", "电力、热力生产和供应业", "D"),
        ("65", "软件和信息技术服务业", "I"),
        ("73", "研究和试验发展", "M"),
        ("75", "科技推广和应用服务业", "M"),
        ("96", "基层群众自治组织及其他组织", "S"),
        ("97", "国际组织", "T"),
    ],
)
def test_industry_codes_and_names_follow_gb_t_4754_2017(code, name, parent):
    industry = Industry.objects.get(code=code)
    assert (industry.name, industry.parent_id) == (name, parent)


def test_sections_hold_the_published_division_ranges():
    ranges = {
        "A": (1, 5), "B": (6, 12), "C": (13, 43), "D": (44, 46), "E": (47, 50), "F": (51, 52),
        "G": (53, 60), "H": (61, 62), "I": (63, 65), "J": (66, 69), "K": (70, 70), "L": (71, 72),
        "M": (73, 75), "N": (76, 79), "O": (80, 82), "P": (83, 83), "Q": (84, 85), "R": (86, 90),
        "S": (91, 96), "T": (97, 97),
    }  # fmt: skip
    for section, (first, last) in ranges.items():
        codes = Industry.objects.filter(parent_id=section).values_list("code", flat=True)
        assert list(codes) == [f"{n:02d}" for n in range(first, last + 1)], section


def test_62_first_level_disciplines():
    assert Discipline.objects.count() == 62
    assert set(Discipline.objects.values_list("level", flat=True)) == {1}
    assert not Discipline.objects.filter(parent__isnull=False).exists()
    codes = list(Discipline.objects.values_list("code", flat=True))
    assert codes[0] == "110" and codes[-1] == "910"
    assert all(len(code) == 3 and code.isdigit() for code in codes)


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("110", "数学"),
        ("120", "信息科学与系统科学"),
        ("140", "物理学"),
        ("190", "心理学"),
        ("230", "畜牧、兽医科学"),
        ("360", "中医学与中药学"),
        ("413", "信息与系统科学相关工程与技术"),
        ("430", "材料科学"),
        ("520", "计算机科学技术"),
        ("535", "产品应用相关工程与技术"),
        ("610", "环境科学技术及资源科学技术"),
        ("630", "管理学"),
        ("870", "图书馆、情报与文献学"),
        ("910", "统计学"),
    ],
)
def test_discipline_codes_and_names_follow_gb_t_13745_2009(code, name):
    assert Discipline.objects.get(code=code).name == name


def test_34_provinces_and_a_city_row_for_every_mainland_province():
    provinces = Region.objects.filter(level=Region.Level.PROVINCE)
    assert provinces.count() == 34
    assert not provinces.filter(parent__isnull=False).exists()
    # 333 prefecture-level divisions and one city-level row for each of the four municipalities.
    cities = Region.objects.filter(level=Region.Level.CITY)
    assert cities.count() == 337
    for city in cities:
        assert city.parent_id == city.code[:2] + "0000", city.code
    without_cities = provinces.exclude(children__isnull=False).values_list("name", flat=True)
    assert set(without_cities) == {"台湾省", "香港特别行政区", "澳门特别行政区"}


@pytest.mark.parametrize(
    ("code", "name", "parent"),
    [
        ("370000", "山东省", None),
        ("370200", "青岛市", "370000"),
        ("370100", "济南市", "370000"),
        ("230100", "哈尔滨市", "230000"),
        ("440300", "深圳市", "440000"),
        ("652300", "昌吉回族自治州", "650000"),
        ("152900", "阿拉善盟", "150000"),
        ("110100", "北京市", "110000"),
        ("120100", "天津市", "120000"),
        ("310100", "上海市", "310000"),
        ("500100", "重庆市", "500000"),
        ("810000", "香港特别行政区", None),
        ("370202", "市南区", "370200"),
        ("370211", "黄岛区", "370200"),
        ("110108", "海淀区", "110100"),
        ("500230", "丰都县", "500100"),
        ("419001", "济源市", "410000"),
    ],
)
def test_region_codes_and_names_follow_gb_t_2260(code, name, parent):
    region = Region.objects.get(code=code)
    assert (region.name, region.parent_id) == (name, parent)


def test_counties_lie_in_the_city_of_their_first_four_digits():
    counties = Region.objects.filter(level=Region.Level.COUNTY).select_related("parent")
    assert counties.count() == 2843
    assert Region.objects.filter(level=Region.Level.COUNTY, parent_id="370200").count() == 10
    for county in counties:
        parent = county.parent
        assert parent is not None
        if parent.level == Region.Level.CITY and not county.code.startswith("5002"):
            assert county.code[:4] == parent.code[:4], county.code
        else:
            # Chongqing's counties, and county-level divisions under their province.
            assert county.code[:2] == parent.code[:2], county.code


def test_county_region_scope_and_names():
    from techbridge.accounts.permissions import administers_region

    county = Region.objects.get(code="370202")
    assert county.full_name == "青岛市市南区"
    assert county.province.code == "370000"
    assert county.city_code == "370200"
    assert Region.objects.get(code="419001").province.code == "410000"
    city_bureau = factories.UserFactory.build(role="city_bureau", region_id="370200")
    province_admin = factories.UserFactory.build(role="province_admin", region_id="370000")
    assert administers_region(city_bureau, "370202")
    assert not administers_region(city_bureau, "370102")
    assert administers_region(province_admin, "370202")


def test_laiwu_is_no_longer_a_city():
    # 莱芜市 (371200) was merged into 济南市 in 2019; Shandong has 16 cities since.
    assert not Region.objects.filter(code="371200").exists()
    assert Region.objects.filter(parent_id="370000").count() == 16


def test_factory_helpers_reuse_the_loaded_rows():
    before = (Region.objects.count(), Industry.objects.count(), Discipline.objects.count())
    assert factories.region().name == "青岛市"
    assert factories.region("370000").name == "山东省"
    assert factories.industry().name == "计算机、通信和其他电子设备制造业"
    assert factories.industry().parent.name == "制造业"
    assert factories.discipline().name == "材料科学"
    after = (Region.objects.count(), Industry.objects.count(), Discipline.objects.count())
    assert after == before
