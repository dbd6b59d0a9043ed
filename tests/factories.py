"""factory_boy factories for every model tests touch.

Reference rows (regions, industries, disciplines) are fetched or created by code, so tests work
with the data migration's tables and without them.
"""

from __future__ import annotations

import datetime

import factory
from factory.django import DjangoModelFactory
from stdnum.cn import uscc

from techbridge.accounts.models import Role, User
from techbridge.demands.models import Demand
from techbridge.orgs.models import Organisation
from techbridge.refdata.models import Degree, Discipline, Industry, Region, TitleLevel
from techbridge.talent.models import Achievement, Researcher, Team


def credit_code(n: int) -> str:
    """A valid unified social credit code: 17 characters and their GB 32100 check character."""
    body = f"9137{n:013d}"
    return body + uscc.calc_check_digit(body)


def region(code: str = "370200", name: str = "青岛市") -> Region:
    province_code = code[:2] + "0000"
    province, _ = Region.objects.get_or_create(
        code=province_code, defaults={"name": "山东省", "level": 1}
    )
    if code == province_code:
        return province
    city, _ = Region.objects.get_or_create(
        code=code, defaults={"name": name, "level": 2, "parent": province}
    )
    return city


def industry(code: str = "39", name: str = "计算机、通信和其他电子设备制造业") -> Industry:
    section, _ = Industry.objects.get_or_create(code="C", defaults={"name": "制造业", "level": 1})
    obj, _ = Industry.objects.get_or_create(
        code=code, defaults={"name": name, "level": 2, "parent": section}
    )
    return obj


def discipline(code: str = "430", name: str = "材料科学") -> Discipline:
    obj, _ = Discipline.objects.get_or_create(code=code, defaults={"name": name, "level": 1})
    return obj


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.ENTERPRISE
    name = factory.Sequence(lambda n: f"青岛测试科技有限公司{n}")
    region = factory.LazyFunction(region)


class EnterpriseFactory(OrganisationFactory):
    credit_code = factory.Sequence(lambda n: credit_code(n + 1000))
    registered_on = datetime.date(2018, 5, 1)
    industry = factory.LazyFunction(industry)
    size = Organisation.Size.SMALL


class UnitFactory(OrganisationFactory):
    kind = Organisation.Kind.UNIT
    name = factory.Sequence(lambda n: f"测试大学{n}")


class BureauFactory(OrganisationFactory):
    kind = Organisation.Kind.CITY_BUREAU
    name = factory.Sequence(lambda n: f"测试市科学技术局{n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.ENTERPRISE
    region = factory.LazyFunction(region)
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ResearcherFactory(DjangoModelFactory):
    class Meta:
        model = Researcher
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"研究员{n}")
    unit = factory.SubFactory(UnitFactory)
    title = "教授"
    title_level = TitleLevel.SENIOR_FULL
    degree = Degree.DOCTORATE
    keywords = factory.LazyFunction(lambda: ["锂离子电池", "固态电解质"])
    summary = "长期从事新能源材料研究。"
    region = factory.LazyFunction(region)

    @factory.post_generation
    def disciplines(obj, create, extracted, **kwargs):
        if create:
            obj.disciplines.set(extracted if extracted is not None else [discipline()])


class AchievementFactory(DjangoModelFactory):
    class Meta:
        model = Achievement

    researcher = factory.SubFactory(ResearcherFactory)
    kind = Achievement.Kind.PAPER
    title = factory.Sequence(lambda n: f"高镍正极材料的表面包覆研究{n}")
    year = 2023


class TeamFactory(DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"新能源材料创新团队{n}")
    unit = factory.SubFactory(UnitFactory)


class DemandFactory(DjangoModelFactory):
    class Meta:
        model = Demand
        skip_postgeneration_save = True

    enterprise = factory.SubFactory(EnterpriseFactory)
    created_by = factory.LazyAttribute(
        lambda o: UserFactory(role=Role.ENTERPRISE, organisation=o.enterprise)
    )
    title = factory.Sequence(lambda n: f"动力电池隔膜涂层工艺改进{n}")
    summary = "寻求隔膜涂层工艺方面的合作。"
    description = "现有陶瓷涂覆隔膜在高温下收缩率偏高，需要改进浆料配方与涂布工艺。"
    expected_outcome = "热收缩率降低到2%以下。"
    keywords = factory.LazyFunction(lambda: ["隔膜", "陶瓷涂层"])
    industry = factory.LazyFunction(industry)
    cooperation_mode = Demand.CooperationMode.JOINT_RD
    region = factory.LazyFunction(region)
    status = Demand.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))
    confidentiality = Demand.Confidentiality.PUBLIC

    @factory.post_generation
    def indexed(obj, create, extracted, **kwargs):
        if create:
            from techbridge.demands.services import reindex

            reindex(obj)
