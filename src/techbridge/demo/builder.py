"""Building, detecting and removing the demo data set.

The data set is composed from ``demo.vocab`` with one ``random.Random(seed)``, so a seed always
gives the same enterprises, people and texts (dates are relative to the day of the build). Rows
are written with ``bulk_create`` and the search index with ``search.services.bulk_index``; the
per-object services would take minutes for 2,000 profiles.

What a build created is recorded in one audit entry (``object_type`` ``demo.dataset``, the ids in
its detail), which is how ``--if-empty`` and ``--reset`` recognise demo data without a marker
column on the business tables.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.accounts.models import Role, User
from techbridge.audit import services as audit
from techbridge.audit.models import AuditEntry
from techbridge.contacts import demo as contacts_demo
from techbridge.core.errors import InvalidState, ValidationFailed
from techbridge.demands import services as demand_services
from techbridge.demands.models import Demand, DemandAccess
from techbridge.demo import vocab
from techbridge.dispatch import demo as dispatch_demo
from techbridge.notifications import sms
from techbridge.orgs.models import Organisation
from techbridge.refdata.models import Degree, Discipline, Industry, Region, TitleLevel
from techbridge.search import services as search_services
from techbridge.search.models import SearchTerm
from techbridge.talent import services as talent_services
from techbridge.talent.models import Achievement, Researcher, Team

DEMO_PASSWORD = "techbridge-demo"
DATASET_OBJECT_TYPE = "demo.dataset"
MINIMUM_COUNTS = {"enterprises": 300, "researchers": 2000, "demands": 800}
# How many enterprises and researchers of the demo province are offered to the dispatch round.
DISPATCH_ROUND_ENTERPRISES = 20
DISPATCH_ROUND_RESEARCHERS = 24

# Progress callback: (stage label, done, total).
ProgressReport = Callable[[str, int, int], None]
T = TypeVar("T")


def planned_counts(scale: float) -> dict[str, int]:
    """How many main records a build at ``scale`` creates; scale 1 exceeds the minimums."""
    if scale <= 0:
        raise ValidationFailed(_("The scale must be positive."), field="scale")
    return {
        "enterprises": max(8, round(320 * scale)),
        "researchers": max(40, round(2100 * scale)),
        "demands": max(20, round(840 * scale)),
        "teams": max(2, round(80 * scale)),
    }


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    organisation: str
    region: str
    is_superuser: bool = False


@dataclass
class BuildResult:
    counts: dict[str, int]
    accounts: list[DemoAccount]


# ---------------------------------------------------------------------------------------------
# Detecting and deleting.


def _dataset_entries() -> Any:
    return AuditEntry.objects.filter(
        object_type=DATASET_OBJECT_TYPE, action=AuditEntry.Action.IMPORT
    ).order_by("id")


def _recorded_ids() -> dict[str, set[int]]:
    ids: dict[str, set[int]] = defaultdict(set)
    for detail in _dataset_entries().values_list("detail", flat=True):
        for key, values in (detail.get("ids") or {}).items():
            ids[key].update(values)
    return ids


def demo_data_exists() -> bool:
    """True when a previous build's organisations are still in the database."""
    ids = _recorded_ids()
    return (
        bool(ids["organisations"])
        and Organisation.objects.filter(pk__in=ids["organisations"]).exists()
    )


def database_is_empty() -> bool:
    """No organisation at all: nothing to keep, the demo data may be loaded."""
    return not Organisation.objects.exists()


@transaction.atomic
def delete_demo_data() -> dict[str, int]:
    """Remove what earlier builds created, and what users added inside demo organisations.

    Demo accounts that appear in the audit trail cannot be deleted (the trail is append-only);
    they are detached and deactivated, and the next build reuses them by username.
    """
    ids = _recorded_ids()
    org_ids = set(ids["organisations"])
    counts: dict[str, int] = {}
    # First the dispatch round: its applications hold on to demands, researchers and accounts.
    counts["dispatch_rounds"] = dispatch_demo.delete_demo_rounds(
        round_ids=sorted(ids["dispatch_rounds"])
    )

    demands = Demand.objects.filter(Q(pk__in=ids["demands"]) | Q(enterprise_id__in=org_ids))
    demand_ids = list(demands.values_list("pk", flat=True))
    counts["contacts"] = contacts_demo.delete_demo_contacts(
        demand_ids=demand_ids,
        researcher_ids=list(
            Researcher.objects.filter(
                Q(pk__in=ids["researchers"]) | Q(unit_id__in=org_ids)
            ).values_list("pk", flat=True)
        ),
    )
    SearchTerm.objects.filter(kind=SearchTerm.Kind.DEMAND, object_id__in=demand_ids).delete()
    counts["demands"] = (
        Demand.objects.filter(pk__in=demand_ids).delete()[1].get("demands.Demand", 0)
    )
    counts["teams"] = (
        Team.objects.filter(Q(pk__in=ids["teams"]) | Q(unit_id__in=org_ids))
        .delete()[1]
        .get("talent.Team", 0)
    )
    researchers = Researcher.objects.filter(Q(pk__in=ids["researchers"]) | Q(unit_id__in=org_ids))
    researcher_ids = list(researchers.values_list("pk", flat=True))
    SearchTerm.objects.filter(
        kind=SearchTerm.Kind.RESEARCHER, object_id__in=researcher_ids
    ).delete()
    counts["researchers"] = (
        Researcher.objects.filter(pk__in=researcher_ids).delete()[1].get("talent.Researcher", 0)
    )

    user_ids = set(ids["users"])
    in_trail = set(
        AuditEntry.objects.filter(actor_id__in=user_ids).values_list("actor_id", flat=True)
    )
    User.objects.filter(organisation_id__in=org_ids).exclude(pk__in=user_ids).update(
        organisation=None
    )
    User.objects.filter(pk__in=in_trail).update(organisation=None, is_active=False)
    counts["users"] = (
        User.objects.filter(pk__in=user_ids - in_trail).delete()[1].get("accounts.User", 0)
    )
    counts["organisations"] = (
        Organisation.objects.filter(pk__in=org_ids).delete()[1].get("orgs.Organisation", 0)
    )
    if any(counts.values()) or _dataset_entries().exists():
        audit.record(
            actor=None,
            action=AuditEntry.Action.DELETE,
            object_type=DATASET_OBJECT_TYPE,
            object_id="demo",
            summary="Demo data deleted",
            detail={"counts": counts},
        )
        # Later builds must not treat these ids as theirs.
        _dataset_entries().update(object_type=DATASET_OBJECT_TYPE + ".deleted")
    return counts


# ---------------------------------------------------------------------------------------------
# Small text and number helpers.


def organisation_code_check(body: str) -> str:
    """The check character of a GB 11714 organisation code (positions 9–17 of a credit code)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    value = 11 - sum(int(c, 36) * w for c, w in zip(body, weights, strict=True)) % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def patent_number(year: int, kind: int, serial: int) -> str:
    """A Chinese patent number ``ZL2021 1 0123456.7``: year, type, serial and check digit."""
    digits = f"{year}{kind}{serial:07d}"
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    check = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return f"ZL{digits}.{'X' if check == 10 else check}"


def _short_city(name: str) -> str:
    for suffix in ("市", "地区", "自治州"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _short_unit(name: str) -> str:
    return name.split("（")[0]


_PERCENTAGES = (10, 15, 20, 25, 30, 40, 50)
_DEGREE_LABELS = {
    Degree.DOCTORATE: "博士",
    Degree.MASTER: "硕士",
    Degree.BACHELOR: "学士",
    Degree.OTHER: "",
}
TITLE_RANK: dict[str, int] = {
    TitleLevel.SENIOR_FULL: 0,
    TitleLevel.SENIOR_DEPUTY: 1,
    TitleLevel.INTERMEDIATE: 2,
    TitleLevel.JUNIOR: 3,
    TitleLevel.NONE: 4,
}


@dataclass
class _Enterprise:
    org: Organisation
    field: vocab.TechField
    trade_name: str  # 字号 and 行业词, how texts refer to the company
    contact: User | None = None


@dataclass
class _Researcher:
    obj: Researcher
    field: vocab.TechField
    # ``dataclass_field``: in this class body ``field`` names the attribute above.
    disciplines: list[str] = dataclass_field(default_factory=list)
    industries: list[str] = dataclass_field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# The build.


class _Builder:
    def __init__(
        self,
        *,
        seed: int,
        scale: float,
        now: datetime.datetime,
        report: ProgressReport | None,
    ) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.scale = scale
        self.counts_planned = planned_counts(scale)
        self.now = now
        self.today = timezone.localdate(now)
        self.report = report or (lambda stage, done, total: None)
        self.password_hash = make_password(DEMO_PASSWORD)
        self.used_credit_codes: set[str] = set(
            Organisation.objects.exclude(credit_code="").values_list("credit_code", flat=True)
        )
        self.used_org_names: set[str] = set(Organisation.objects.values_list("name", flat=True))
        self.registration_users: list[User] = []

    # --- random helpers -----------------------------------------------------------------------

    def pick(self, items: Sequence[T]) -> T:
        return items[self.rng.randrange(len(items))]

    def weighted(self, items: Sequence[tuple[T, int]]) -> T:
        return self.rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]

    def person_name(self) -> str:
        if self.rng.random() < 0.015:
            surname = self.pick(vocab.COMPOUND_SURNAMES)
        else:
            surname = self.pick(vocab.SURNAMES)
        length = 1 if self.rng.random() < 0.3 else 2
        return surname + "".join(self.pick(vocab.GIVEN_NAME_CHARACTERS) for _ in range(length))

    def mobile(self) -> str:
        return f"1{self.pick('35789')}{self.rng.randrange(10**9):09d}"

    def exact_flags(self, n: int, share: float) -> list[bool]:
        flags = [i < round(n * share) for i in range(n)]
        self.rng.shuffle(flags)
        return flags

    def fill(self, template: str, f: vocab.TechField, words: dict[str, Any] | None = None) -> str:
        """Fill a template with ``words`` (a fresh choice of field ``f``'s words by default)."""
        values = dict(words or self.words(f))
        values.update(n=self.rng.randint(1, 3), m=self.rng.randint(2, 6), field=f.name)
        return template.format(**values)

    def words(self, f: vocab.TechField) -> dict[str, Any]:
        """One coherent choice of words for a demand: its sentences talk about one problem."""
        raise_it = self.rng.random() < 0.5
        keyword, keyword2 = self.rng.sample(f.keywords, 2)
        return {
            "product": self.pick(f.products),
            "process": self.pick(f.processes),
            "condition": self.pick(f.conditions),
            "indicator": self.pick(f.indicators_to_raise if raise_it else f.indicators_to_lower),
            "deviation": "偏低" if raise_it else "偏高",
            "verb": "提升" if raise_it else "降低",
            "goal": f"{'提高' if raise_it else '降低'}{self.pick(_PERCENTAGES)}%以上",
            "keyword": keyword,
            "keyword2": keyword2,
        }

    # --- reference data -----------------------------------------------------------------------

    def load_reference(self) -> None:
        codes = set(vocab.PROVINCES) | set(vocab.DEMO_CITIES) | set(vocab.OTHER_CITIES)
        codes |= {code for _, code, _ in vocab.UNITS} | {code for _, code in vocab.AGENCIES}
        self.regions = {
            r.code: r for r in Region.objects.filter(code__in=codes).select_related("parent")
        }
        if vocab.DEMO_PROVINCE not in self.regions:
            raise InvalidState(
                _(
                    "Reference data is missing (region %(code)s); run `techbridge manage migrate` "
                    "first."
                )
                % {"code": vocab.DEMO_PROVINCE}
            )
        self.demo_cities = [
            (code, weight)
            for code, (_, weight) in vocab.DEMO_CITIES.items()
            if code in self.regions
        ]
        self.other_cities = [
            (code, weight)
            for code, (_, weight) in vocab.OTHER_CITIES.items()
            if code in self.regions
        ]
        if not self.demo_cities:
            raise InvalidState(_("Reference data is missing: no city of the demo province."))
        if not self.other_cities:
            self.other_cities = self.demo_cities
        industry_codes = {c for f in vocab.FIELDS for c in f.industries}
        discipline_codes = {c for f in vocab.FIELDS for c in f.disciplines}
        self.industries = {i.code: i for i in Industry.objects.filter(code__in=industry_codes)}
        self.disciplines = {d.code: d for d in Discipline.objects.filter(code__in=discipline_codes)}
        self.fields = [
            f
            for f in vocab.FIELDS
            if any(c in self.industries for c in f.industries)
            and any(c in self.disciplines for c in f.disciplines)
        ]
        if not self.fields:
            raise InvalidState(
                _(
                    "Reference data is missing (industries and disciplines); run "
                    "`techbridge manage migrate` first."
                )
            )

    def region(self, code: str) -> Region:
        """The region of ``code``, or its province when the city row is absent."""
        return self.regions.get(code) or self.regions[code[:2] + "0000"]

    def field_industries(self, f: vocab.TechField) -> list[str]:
        return [c for c in f.industries if c in self.industries]

    def field_disciplines(self, f: vocab.TechField) -> list[str]:
        return [c for c in f.disciplines if c in self.disciplines]

    # --- organisations ------------------------------------------------------------------------

    def unique_name(self, make: Callable[[], str]) -> str:
        for _attempt in range(200):
            name = make()
            if name not in self.used_org_names:
                self.used_org_names.add(name)
                return name
        raise InvalidState("Could not find a free organisation name.")

    def fixed_org(self, kind: str, name: str, region_code: str) -> Organisation:
        self.used_org_names.add(name)
        return Organisation(kind=kind, name=name, region=self.region(region_code))

    def build_organisations(self) -> None:
        stage = _("Organisations")
        self.report(stage, 0, 1)
        province = self.regions[vocab.DEMO_PROVINCE]
        self.province_bureau = self.fixed_org(
            Organisation.Kind.PROVINCE_BUREAU, f"{province.name}科学技术厅", vocab.DEMO_PROVINCE
        )
        bureaus = [self.province_bureau]
        self.city_bureaus: dict[str, Organisation] = {}
        city_codes = [c for c, _w in self.demo_cities] + [
            c for c in vocab.BUREAU_CITIES_OUTSIDE_DEMO if c in self.regions
        ]
        for code in vocab.BUREAU_PROVINCES_OUTSIDE_DEMO:
            if code in self.regions:
                bureaus.append(
                    self.fixed_org(
                        Organisation.Kind.PROVINCE_BUREAU,
                        f"{self.regions[code].name}科学技术厅",
                        code,
                    )
                )
        for code in city_codes:
            bureau = self.fixed_org(
                Organisation.Kind.CITY_BUREAU, f"{self.regions[code].name}科学技术局", code
            )
            self.city_bureaus[code] = bureau
            bureaus.append(bureau)
        self.agencies = [
            self.fixed_org(Organisation.Kind.AGENCY, name, code)
            for name, code in vocab.AGENCIES
            if code[:2] + "0000" in self.regions
        ]
        self.units: list[tuple[Organisation, list[vocab.TechField]]] = []
        field_keys = {f.key for f in self.fields}
        for name, code, keys in vocab.UNITS:
            fields = [vocab.FIELDS_BY_KEY[k] for k in keys if k in field_keys]
            if fields and code[:2] + "0000" in self.regions:
                unit = self.fixed_org(Organisation.Kind.UNIT, name, code)
                unit.description = _unit_description(name, fields)
                self.units.append((unit, fields))
        self.enterprises = [
            self.make_enterprise(i, demo) for i, demo in enumerate(self.enterprise_flags())
        ]
        everything = (
            bureaus
            + self.agencies
            + [u for u, _f in self.units]
            + [e.org for e in self.enterprises]
        )
        Organisation.objects.bulk_create(everything, batch_size=500)
        self.organisations = everything
        self.report(stage, 1, 1)

    def enterprise_flags(self) -> list[bool]:
        flags = self.exact_flags(self.counts_planned["enterprises"], vocab.DEMO_SHARE)
        flags[0] = True  # the demo enterprise
        return flags

    def credit_code(self, region_code: str) -> str:
        while True:
            body = f"{self.rng.randrange(10**8):08d}"
            code17 = f"91{region_code}{body}{organisation_code_check(body)}"
            code = code17 + _uscc_check(code17)
            if code not in self.used_credit_codes:
                self.used_credit_codes.add(code)
                return code

    def make_enterprise(self, index: int, in_demo: bool) -> _Enterprise:
        if index == 0:
            city_code = "370200" if "370200" in self.regions else self.demo_cities[0][0]
            f = (
                vocab.FIELDS_BY_KEY["battery"]
                if "battery" in {x.key for x in self.fields}
                else (self.fields[0])
            )
        else:
            city_code = self.weighted(self.demo_cities if in_demo else self.other_cities)
            f = self.pick(self.fields)
        region = self.region(city_code)
        size = (
            self.weighted((("micro", 12), ("small", 45), ("medium", 30), ("large", 13)))
            if index
            else "medium"
        )
        city = _short_city(region.name)
        suffix = (
            "股份有限公司"
            if size in ("medium", "large") and self.rng.random() < 0.4
            else ("有限公司")
        )
        independent = index == 0 or self.rng.random() > 0.03

        # A branch (分公司, not an independent legal person) names its parent's city first.
        home = (
            city if independent else _short_city(self.region(self.weighted(self.other_cities)).name)
        )
        trade_name = ""

        def make_name() -> str:
            nonlocal trade_name
            trade_name = "".join(self.rng.sample(vocab.BRAND_CHARACTERS, 2)) + self.pick(
                f.company_words
            )
            name = f"{home}{trade_name}{suffix}"
            return name if independent else f"{name}{city}分公司"

        name = self.unique_name(make_name)
        if index and self.rng.random() < 0.06:
            registered = self.today - datetime.timedelta(days=self.rng.randint(60, 330))
        else:
            registered = self.today - datetime.timedelta(days=self.rng.randint(400, 9500))
        products = self.rng.sample(f.products, 2)
        province = region.province
        place = region.name if province.code == region.code else f"{province.name}{region.name}"
        org = Organisation(
            kind=Organisation.Kind.ENTERPRISE,
            name=name,
            region=region,
            credit_code=self.credit_code(city_code),
            registered_on=registered,
            industry=self.industries[self.pick(self.field_industries(f))],
            size=size,
            is_high_tech=self.rng.random() < (0.6 if size in ("medium", "large") else 0.2),
            is_tech_sme=size != "large" and self.rng.random() < 0.55,
            is_independent_legal_person=independent,
            contact_name=self.person_name(),
            contact_phone=self.mobile(),
            contact_email=f"contact{index + 1:04d}@example.com",
            address=f"{place}{self.pick(vocab.ROADS)}{self.rng.randint(1, 399)}号",
            description=(
                f"{name}成立于{registered.year}年，主要从事{products[0]}和{products[1]}的研发、"
                f"生产与销售，是{city}{f.name}领域的{vocab.SIZE_LABELS[size]}企业。"
            ),
        )
        return _Enterprise(org=org, field=f, trade_name=trade_name)

    # --- accounts -----------------------------------------------------------------------------

    def build_accounts(self) -> None:
        stage = _("Accounts")
        self.report(stage, 0, 1)
        demo_enterprise = self.enterprises[0].org
        unit = self.demo_unit()
        specs: list[dict[str, Any]] = [
            {
                "username": "admin",
                "role": Role.PROVINCE_ADMIN,
                "organisation": self.province_bureau,
                "region": self.province_bureau.region,
                "is_superuser": True,
                "is_staff": True,
            },
            {
                "username": "enterprise",
                "role": Role.ENTERPRISE,
                "organisation": demo_enterprise,
                "region": demo_enterprise.region,
            },
            {
                "username": "researcher",
                "role": Role.RESEARCHER,
                "organisation": unit,
                "region": unit.region,
            },
            {"username": "unit", "role": Role.UNIT, "organisation": unit, "region": unit.region},
            {
                "username": "city",
                "role": Role.CITY_BUREAU,
                "organisation": self.city_bureaus.get(
                    demo_enterprise.region_id, self.province_bureau
                ),
                "region": demo_enterprise.region,
            },
            {
                "username": "province",
                "role": Role.PROVINCE_ADMIN,
                "organisation": self.province_bureau,
                "region": self.province_bureau.region,
            },
            {
                "username": "manager",
                "role": Role.TECH_MANAGER,
                "organisation": self.agencies[0] if self.agencies else None,
                "region": self.agencies[0].region if self.agencies else demo_enterprise.region,
            },
            {
                "username": "auditor",
                "role": Role.AUDITOR,
                "organisation": self.province_bureau,
                "region": self.province_bureau.region,
            },
        ]
        for spec in specs:
            spec["display_name"] = self.person_name()
        for i, enterprise in enumerate(self.enterprises[1:], start=2):
            specs.append(
                {
                    "username": f"ent{i:04d}",
                    "role": Role.ENTERPRISE,
                    "organisation": enterprise.org,
                    "region": enterprise.org.region,
                    "display_name": enterprise.org.contact_name,
                }
            )
        users = self.upsert_users(specs)
        self.accounts = {u.username: u for u in users[:8]}
        self.enterprises[0].contact = self.accounts["enterprise"]
        for enterprise, user in zip(self.enterprises[1:], users[8:], strict=True):
            enterprise.contact = user
        self.users = users
        # The technology manager acts for the demo enterprise and one more in its city.
        manager = self.accounts["manager"]
        partner = next(
            (e for e in self.enterprises[1:] if e.org.region_id == demo_enterprise.region_id),
            self.enterprises[1] if len(self.enterprises) > 1 else None,
        )
        self.managed = [self.enterprises[0]] + ([partner] if partner else [])
        through = Organisation.authorised_managers.through
        through.objects.bulk_create(
            [through(organisation_id=e.org.pk, user_id=manager.pk) for e in self.managed],
            ignore_conflicts=True,
        )
        self.report(stage, 1, 1)

    def upsert_users(self, specs: list[dict[str, Any]]) -> list[User]:
        """Demo accounts by username: reused when they survive a reset, else created."""
        existing = {
            u.username: u for u in User.objects.filter(username__in=[s["username"] for s in specs])
        }
        reused: list[User] = []
        new: list[User] = []
        for spec in specs:
            user = existing.get(spec["username"]) or User(username=spec["username"])
            user.role = spec["role"]
            user.organisation = spec["organisation"]
            user.region = spec["region"]
            user.display_name = spec["display_name"]
            user.is_superuser = spec.get("is_superuser", False)
            user.is_staff = spec.get("is_staff", False)
            user.is_active = True
            user.password = self.password_hash
            user.email = f"{spec['username']}@example.com"
            (reused if user.pk else new).append(user)
        fields = [
            "role",
            "organisation",
            "region",
            "display_name",
            "is_superuser",
            "is_staff",
            "is_active",
            "password",
            "email",
        ]
        User.objects.bulk_update(reused, fields, batch_size=500)
        User.objects.bulk_create(new, batch_size=500)
        order = {s["username"]: i for i, s in enumerate(specs)}
        return sorted(reused + new, key=lambda u: order[u.username])

    # --- researchers --------------------------------------------------------------------------

    def demo_unit(self) -> Organisation:
        preferred = "中国科学院青岛生物能源与过程研究所"
        for unit, _fields in self.units:
            if unit.name == preferred:
                return unit
        demo_units = [u for u, _f in self.units if u.region.province_code == vocab.DEMO_PROVINCE]
        return (demo_units or [u for u, _f in self.units])[0]

    def build_researchers(self) -> None:
        stage = _("Researchers")
        total = self.counts_planned["researchers"]
        self.report(stage, 0, total)
        demo_units = [
            (u, f) for u, f in self.units if u.region.province_code == vocab.DEMO_PROVINCE
        ]
        other_units = [
            (u, f) for u, f in self.units if u.region.province_code != vocab.DEMO_PROVINCE
        ]
        demo_unit = self.demo_unit()
        flags = self.exact_flags(total, vocab.DEMO_SHARE)
        integrity = set(self.rng.sample(range(1, total), max(2, round(total * 0.005))))
        self.researchers: list[_Researcher] = []
        for i, in_demo in enumerate(flags):
            if i == 0:
                unit, fields = next((u, f) for u, f in self.units if u is demo_unit)
                f = next((x for x in fields if x.key == "battery"), fields[0])
            else:
                pool = (demo_units if in_demo else other_units) or self.units
                # Bigger units (more fields) employ more people.
                unit, fields = self.weighted([(item, len(item[1]) + 1) for item in pool])
                f = self.pick(fields)
            self.researchers.append(self.make_researcher(i, unit, f, i in integrity))
        Researcher.objects.filter(user=self.accounts["researcher"]).update(user=None)
        self.researchers[0].obj.user = self.accounts["researcher"]
        # The demo researcher's account carries the profile's name, as a real one would.
        account = self.accounts["researcher"]
        account.display_name = self.researchers[0].obj.name
        account.save(update_fields=["display_name"])
        Researcher.objects.bulk_create([r.obj for r in self.researchers], batch_size=500)
        self.report(stage, total // 2, total)

        discipline_through = Researcher.disciplines.through
        industry_through = Researcher.industries.through
        discipline_through.objects.bulk_create(
            [
                discipline_through(researcher_id=r.obj.pk, discipline_id=code)
                for r in self.researchers
                for code in r.disciplines
            ],
            batch_size=2000,
        )
        industry_through.objects.bulk_create(
            [
                industry_through(researcher_id=r.obj.pk, industry_id=code)
                for r in self.researchers
                for code in r.industries
            ],
            batch_size=2000,
        )
        achievements = [a for r in self.researchers for a in self.make_achievements(r)]
        Achievement.objects.bulk_create(achievements, batch_size=1000)
        self.achievement_count = len(achievements)
        self.researchers_by_field: dict[str, list[_Researcher]] = defaultdict(list)
        for r in self.researchers:
            self.researchers_by_field[r.field.key].append(r)
        self.report(stage, total, total)

    def make_researcher(
        self, index: int, unit: Organisation, f: vocab.TechField, has_integrity_record: bool
    ) -> _Researcher:
        is_institute = any(w in unit.name for w in ("研究所", "研究院", "科学院"))
        titles = vocab.TITLES["institute" if is_institute else "university"]
        if index == 0:
            title, level = titles[0][0], titles[0][1]
        else:
            title, level = self.weighted([((t, lv), w) for t, lv, w in titles])
        if level in (TitleLevel.SENIOR_FULL, TitleLevel.SENIOR_DEPUTY):
            degree = self.weighted(
                ((Degree.DOCTORATE, 85), (Degree.MASTER, 12), (Degree.BACHELOR, 3))
            )
        elif level == TitleLevel.INTERMEDIATE:
            degree = self.weighted(
                ((Degree.DOCTORATE, 60), (Degree.MASTER, 35), (Degree.BACHELOR, 5))
            )
        else:
            degree = self.weighted(((Degree.MASTER, 60), (Degree.BACHELOR, 40)))
        if index == 0:
            degree = Degree.DOCTORATE
        keywords = self.rng.sample(f.keywords, self.rng.randint(4, min(8, len(f.keywords))))
        disciplines = self.field_disciplines(f)
        disciplines = [disciplines[0]] + (
            self.rng.sample(disciplines[1:], 1)
            if len(disciplines) > 1 and self.rng.random() < 0.5
            else []
        )
        industries = self.rng.sample(
            self.field_industries(f), min(len(self.field_industries(f)), self.rng.randint(1, 2))
        )
        roll = self.rng.random() if index else 1.0
        if roll < 0.05:
            availability, capacity = Researcher.Availability.UNAVAILABLE, 0
        elif roll < 0.10:
            availability, capacity = Researcher.Availability.LIMITED, 0
        else:
            availability = Researcher.Availability.AVAILABLE
            capacity = self.weighted(((1, 30), (2, 45), (3, 20), (4, 5)))
        name = self.person_name()
        departments = f.departments[2:] if is_institute else f.departments[:2]
        summary = (
            self.pick(vocab.SUMMARY_TEMPLATES).format(
                name=name,
                unit=_short_unit(unit.name),
                title=title,
                degree=_DEGREE_LABELS[degree],
                k1=keywords[0],
                k2=keywords[1],
                k3=keywords[2],
                product=self.pick(f.products),
                process=self.pick(f.processes),
                n=self.rng.randint(3, 15),
                field=f.name,
            )
            + f"可为企业提供{'、'.join(self.rng.sample(vocab.SUPPORT_OFFERS, 2))}等服务。"
        )
        obj = Researcher(
            name=name,
            unit=unit,
            department=self.pick(departments),
            title=title,
            title_level=level,
            degree=degree,
            keywords=keywords,
            summary=summary,
            region=unit.region,
            availability=availability,
            capacity=capacity,
            has_integrity_record=has_integrity_record,
            email=f"researcher{index + 1:05d}@example.org",
            phone=self.mobile(),
        )
        return _Researcher(obj=obj, field=f, disciplines=disciplines, industries=industries)

    def make_achievements(self, r: _Researcher) -> list[Achievement]:
        f = r.field
        items = []
        kinds = (("paper", 40), ("patent", 25), ("project", 20), ("result", 10), ("award", 5))
        for _n in range(self.rng.randint(2, 6)):
            kind = self.weighted(kinds)
            year = self.rng.randint(self.today.year - 12, self.today.year)
            abstract = ""
            if kind == "paper":
                words = self.words(f)
                title = self.fill(
                    self.pick(f.paper_templates + vocab.COMMON_PAPER_TEMPLATES), f, words
                )
                journal = self.pick(f.journals)
                reference = (
                    f"{journal}, {year}"
                    if journal.isascii()
                    else f"《{journal}》{year}年第{self.rng.randint(1, 12)}期"
                )
                abstract = self.fill(
                    "针对{product}{indicator}{deviation}的问题，研究了{keyword}对{process}的影响，"
                    "优化后{indicator}{goal}。",
                    f,
                    words,
                )
            elif kind == "patent":
                title = self.fill(self.pick(f.patent_templates + vocab.COMMON_PATENT_TEMPLATES), f)
                reference = patent_number(year, self.pick((1, 1, 2)), self.rng.randrange(10**7))
            elif kind == "project":
                title = self.fill(
                    self.pick(f.project_templates + vocab.COMMON_PROJECT_TEMPLATES), f
                )
                number = f"{year}{self.rng.randrange(10**6):06d}"
                reference = f"{self.pick(vocab.PROJECT_PROGRAMMES)}（{number}）"
            elif kind == "result":
                title = self.fill(self.pick(vocab.COMMON_RESULT_TEMPLATES), f)
                reference = (
                    f"科技成果登记号 {r.obj.region_id[:2]}{year}{self.rng.randrange(10**5):05d}"
                )
            else:
                title = self.fill(self.pick(vocab.COMMON_RESULT_TEMPLATES), f)
                reference = f"{self.pick(vocab.AWARDS)}（{year}年）"
            items.append(
                Achievement(
                    researcher_id=r.obj.pk,
                    kind=kind,
                    title=title[:300],
                    year=year,
                    abstract=abstract,
                    reference=reference[:200],
                )
            )
        return items

    # --- teams --------------------------------------------------------------------------------

    def build_teams(self) -> None:
        stage = _("Teams")
        self.report(stage, 0, 1)
        groups: dict[tuple[int, str], list[_Researcher]] = defaultdict(list)
        for r in self.researchers:
            if r.obj.availability != Researcher.Availability.UNAVAILABLE:
                groups[(r.obj.unit_id, r.field.key)].append(r)
        candidates = [key for key in sorted(groups) if len(groups[key]) >= 3]
        self.rng.shuffle(candidates)
        demo_key = (self.researchers[0].obj.unit_id, self.researchers[0].field.key)
        if demo_key in candidates:
            candidates.remove(demo_key)
            candidates.insert(0, demo_key)
        teams, memberships, names = [], [], set()
        for key in candidates[: self.counts_planned["teams"]]:
            members = groups[key]
            members = self.rng.sample(members, min(len(members), self.rng.randint(3, 8)))
            if key == demo_key and self.researchers[0] not in members:
                members[0] = self.researchers[0]
            members.sort(key=lambda r: (TITLE_RANK[r.obj.title_level], r.obj.pk))
            leader = members[0]
            f = leader.field
            unit = leader.obj.unit
            name = f"{_short_unit(unit.name)}{self.pick(f.team_words)}创新团队"
            if name in names:
                continue
            names.add(name)
            teams.append(
                Team(
                    name=name,
                    unit=unit,
                    leader=leader.obj,
                    description=(
                        f"团队由{leader.obj.name}{leader.obj.title}领衔，成员{len(members)}人，"
                        f"围绕{'、'.join(self.rng.sample(f.keywords, 3))}开展研究，"
                        f"长期服务{f.name}领域企业。"
                    ),
                )
            )
            memberships.append(members)
        Team.objects.bulk_create(teams)
        through = Team.members.through
        through.objects.bulk_create(
            [
                through(team_id=team.pk, researcher_id=m.obj.pk)
                for team, members in zip(teams, memberships, strict=True)
                for m in members
            ]
        )
        self.teams = teams
        self.report(stage, 1, 1)

    # --- demands ------------------------------------------------------------------------------

    def build_demands(self) -> None:
        stage = _("Demands")
        total = self.counts_planned["demands"]
        self.report(stage, 0, total)
        # The demo enterprise shows every state and level; the rest are spread at random.
        showcase = [
            (Demand.Status.PUBLISHED, Demand.Confidentiality.PUBLIC),
            (Demand.Status.PUBLISHED, Demand.Confidentiality.INVITED),
            (Demand.Status.PUBLISHED, Demand.Confidentiality.CONFIDENTIAL),
            (Demand.Status.PUBLISHED, Demand.Confidentiality.PUBLIC),
            (Demand.Status.DRAFT, Demand.Confidentiality.PUBLIC),
            (Demand.Status.CLOSED, Demand.Confidentiality.PUBLIC),
        ]
        self.demands: list[tuple[Demand, _Enterprise, list[str]]] = []
        for status, level in showcase:
            self.demands.append(self.make_demand(self.enterprises[0], status, level))
        others = self.enterprises[1:] or self.enterprises
        statuses = (
            (Demand.Status.PUBLISHED, 75),
            (Demand.Status.DRAFT, 12),
            (Demand.Status.CLOSED, 13),
        )
        levels = (
            (Demand.Confidentiality.PUBLIC, 70),
            (Demand.Confidentiality.INVITED, 20),
            (Demand.Confidentiality.CONFIDENTIAL, 10),
        )
        while len(self.demands) < total:
            enterprise = self.pick(others)
            self.demands.append(
                self.make_demand(enterprise, self.weighted(statuses), self.weighted(levels))
            )
        manager = self.accounts["manager"]
        managed = {e.org.pk for e in self.managed}
        for i, (demand, enterprise, _codes) in enumerate(self.demands):
            if enterprise.org.pk in managed and i % 2 == 1:
                demand.manager = manager
        demands = [d for d, _e, _c in self.demands]
        Demand.objects.bulk_create(demands, batch_size=500)
        # ``created_at`` is auto_now_add: backdate it to before publication in a second pass.
        for demand in demands:
            demand.created_at = (demand.published_at or self.now) - datetime.timedelta(
                days=self.rng.randint(0, 20), seconds=self.rng.randrange(86400)
            )
        Demand.objects.bulk_update(demands, ["created_at"], batch_size=500)
        through = Demand.disciplines.through
        through.objects.bulk_create(
            [
                through(demand_id=d.pk, discipline_id=code)
                for d, _e, codes in self.demands
                for code in codes
            ],
            batch_size=2000,
        )
        self.report(stage, total, total)

    def make_demand(
        self, enterprise: _Enterprise, status: str, level: str
    ) -> tuple[Demand, _Enterprise, list[str]]:
        f, org = enterprise.field, enterprise.org
        registered_on = org.registered_on
        assert registered_on is not None  # make_enterprise gives every enterprise one
        w = self.words(f)
        mode = self.weighted(
            (
                ("consulting", 15),
                ("diagnosis", 12),
                ("joint_rd", 35),
                ("transfer", 12),
                ("licensing", 6),
                ("dispatch", 20),
            )
        )
        mode_label = vocab.COOPERATION_LABELS[mode]
        title = self.pick(vocab.COMMON_DEMAND_TITLE_TEMPLATES).format(**w)
        short = _short_city(org.region.name)
        company = enterprise.trade_name
        if level == Demand.Confidentiality.CONFIDENTIAL:
            summary = f"{f.name}领域企业寻求{mode_label}合作，具体需求仅向管理部门开放。"
        elif level == Demand.Confidentiality.INVITED:
            summary = (
                f"寻求{w['product']}{w['process']}方面的{mode_label}合作，"
                "详细技术指标需接受保密条款后查看。"
            )
        else:
            summary = (
                f"{company}主营{w['product']}，现有{w['process']}存在{w['indicator']}"
                f"{w['deviation']}等问题，寻求{mode_label}合作。"
            )
        background = self.pick(vocab.COMMON_BACKGROUND_TEMPLATES).format(
            year=registered_on.year,
            size=vocab.SIZE_LABELS[org.size],
            revenue=self.pick((800, 1500, 3000, 5000, 8000, 12000, 30000)),
            lines=self.rng.randint(2, 12),
            provinces=self.rng.randint(8, 30),
            city=short,
            field=f.name,
            staff=self.rng.randint(8, 120),
            **w,
        )
        problem = self.pick(f.problem_templates + vocab.COMMON_PROBLEM_TEMPLATES).format(**w)
        sentences = [background, problem]
        if self.rng.random() < 0.7:
            sentences.append(self.pick(vocab.COMMON_ATTEMPT_TEMPLATES).format(**w))
        sentences.append(
            self.pick(vocab.COMMON_REQUEST_TEMPLATES).format(
                months=self.pick((3, 6, 9, 12, 18, 24)), **w
            )
        )
        if self.rng.random() < 0.6:
            sentences.append(self.pick(vocab.COMMON_CONDITION_TEMPLATES))
        outcome = self.pick(f.outcome_templates + vocab.COMMON_OUTCOME_TEMPLATES)
        deliverables = self.rng.sample(vocab.COMMON_DELIVERABLE_TEMPLATES, self.rng.randint(0, 2))
        expected = "".join(
            t.format(n=self.rng.randint(1, 3), m=self.rng.randint(2, 6), **w)
            for t in [outcome, *deliverables]
        )
        keywords = [
            w["keyword"],
            w["keyword2"],
            *self.rng.sample(
                [k for k in f.keywords if k not in (w["keyword"], w["keyword2"])],
                self.rng.randint(1, 4),
            ),
        ]
        if self.rng.random() < 0.1:
            budget_min = budget_max = None
        else:
            low = self.pick((5, 10, 20, 30, 50, 80, 100, 150, 200, 300, 500))
            budget_min = Decimal(low)
            budget_max = (Decimal(low) * Decimal(self.pick(("1.5", "2", "3")))).quantize(
                Decimal("1")
            )
        published_at = closed_at = None
        if status == Demand.Status.DRAFT:
            deadline = (
                self.today + datetime.timedelta(days=self.rng.randint(60, 400))
                if self.rng.random() < 0.8
                else None
            )
        else:
            # Published after registration (plus the 20 days ``created_at`` may precede it).
            days_registered = (self.today - registered_on).days
            published_at = self.now - datetime.timedelta(
                days=self.rng.randint(1, min(420, days_registered - 22)),
                seconds=self.rng.randrange(86400),
            )
            if status == Demand.Status.CLOSED:
                deadline = published_at.date() + datetime.timedelta(days=self.rng.randint(30, 180))
                closed_at = min(
                    self.now, published_at + datetime.timedelta(days=self.rng.randint(20, 200))
                )
            else:
                deadline = self.today + datetime.timedelta(days=self.rng.randint(20, 365))
        codes = self.field_disciplines(f)
        codes = self.rng.sample(codes, min(len(codes), self.rng.randint(1, 2)))
        demand = Demand(
            enterprise=org,
            created_by=enterprise.contact,
            title=title[:200],
            summary=summary,
            description="".join(sentences),
            expected_outcome=expected,
            keywords=keywords,
            industry=org.industry,
            cooperation_mode=mode,
            budget_min=budget_min,
            budget_max=budget_max,
            deadline=deadline,
            region=org.region,
            confidentiality=level,
            contact_name=org.contact_name,
            contact_phone=org.contact_phone,
            status=status,
            published_at=published_at,
            closed_at=closed_at,
        )
        return demand, enterprise, codes

    def build_accesses(self) -> None:
        stage = _("Invitations")
        self.report(stage, 0, 1)
        demo_researcher = self.researchers[0]
        rows: dict[tuple[int, int], DemandAccess] = {}
        invited_times: dict[tuple[int, int], datetime.datetime] = {}

        def invite(demand: Demand, researcher: Researcher, accepted: bool) -> None:
            invited_at = (demand.published_at or self.now) + datetime.timedelta(
                days=self.rng.randint(0, 10)
            )
            invited_at = min(invited_at, self.now)
            invited_times[(demand.pk, researcher.pk)] = invited_at
            rows[(demand.pk, researcher.pk)] = DemandAccess(
                demand=demand,
                researcher=researcher,
                invited_by=demand.created_by,
                nda_accepted_at=(
                    min(self.now, invited_at + datetime.timedelta(days=self.rng.randint(0, 5)))
                    if accepted
                    else None
                ),
            )

        invited = [
            (d, e)
            for d, e, _c in self.demands
            if d.confidentiality == Demand.Confidentiality.INVITED
            and d.status != Demand.Status.DRAFT
        ]
        for demand, enterprise in invited:
            pool = [
                r
                for r in self.researchers_by_field[enterprise.field.key]
                if r.obj.availability != Researcher.Availability.UNAVAILABLE
            ]
            if not pool or self.rng.random() < 0.5:
                continue
            for r in self.rng.sample(pool, min(len(pool), self.rng.randint(1, 4))):
                invite(demand, r.obj, self.rng.random() < 0.5)
        # The demo researcher has accepted one invitation and has one waiting.
        own = [d for d, e in invited if e is self.enterprises[0]]
        if own:
            invite(own[0], demo_researcher.obj, True)
        pending = [
            d
            for d, e in invited
            if e is not self.enterprises[0]
            and e.field.key == demo_researcher.field.key
            and d.status == Demand.Status.PUBLISHED
        ]
        if pending:
            invite(pending[0], demo_researcher.obj, False)
        accesses = list(rows.values())
        DemandAccess.objects.bulk_create(accesses, batch_size=1000)
        # ``invited_at`` is auto_now_add: date the invitations after the demands' publication.
        for key, access in rows.items():
            access.invited_at = invited_times[key]
        DemandAccess.objects.bulk_update(accesses, ["invited_at"], batch_size=500)
        self.accesses = accesses
        self.report(stage, 1, 1)

    # --- search index -------------------------------------------------------------------------

    def build_index(self) -> None:
        stage = _("Search index")
        demand_ids = [d.pk for d, _e, _c in self.demands]
        researcher_ids = [r.obj.pk for r in self.researchers]
        for chunk in _chunks(demand_ids, 500):
            SearchTerm.objects.filter(kind=SearchTerm.Kind.DEMAND, object_id__in=chunk).delete()
        for chunk in _chunks(researcher_ids, 500):
            SearchTerm.objects.filter(kind=SearchTerm.Kind.RESEARCHER, object_id__in=chunk).delete()
        # The texts and their weights come from each app's own ``index_terms``.
        total = len(demand_ids) + len(researcher_ids)
        self.report(stage, 0, total)
        rows: list[SearchTerm] = []
        done = 0
        demands = (
            Demand.objects.filter(pk__in=demand_ids)
            .select_related("industry", "enterprise")
            .prefetch_related("disciplines")
        )
        for demand in demands.iterator(chunk_size=500):
            public, protected = demand_services.index_terms(demand)
            rows += search_services.build_rows(
                kind=SearchTerm.Kind.DEMAND,
                object_id=demand.pk,
                public=public,
                protected=protected,
            )
            done += 1
            if done % 100 == 0:
                self.report(stage, done, total)
        researchers = (
            Researcher.objects.filter(pk__in=researcher_ids)
            .select_related("unit")
            .prefetch_related("disciplines", "industries", "achievements")
        )
        for researcher in researchers.iterator(chunk_size=500):
            rows += search_services.build_rows(
                kind=SearchTerm.Kind.RESEARCHER,
                object_id=researcher.pk,
                public=talent_services.index_terms(researcher),
            )
            done += 1
            if done % 100 == 0:
                self.report(stage, done, total)
        search_services.bulk_index(rows)
        self.search_terms = len(rows)
        self.report(stage, total, total)

    # --- the dispatch round -------------------------------------------------------------------

    def build_dispatch_round(self) -> None:
        """One round in progress (``dispatch.demo.build_demo_round``) in which the demo accounts
        take part: the ``province`` account runs it, the demo enterprise (``enterprise``) and
        the demo researcher (``researcher``, of the ``unit``'s unit) are paired in a dispatch
        whose agreement waits for their confirmations, and the other applications come from the
        demo enterprise's city (``city`` reviews them) first, then the rest of the province."""
        stage = _("Dispatch round")
        self.report(stage, 0, 1)
        province = vocab.DEMO_PROVINCE[:2]
        demo_enterprise = self.enterprises[0].org
        city = demo_enterprise.region_id[:4]
        with_demand = {e.org.pk for d, e, _c in self.demands if d.status == Demand.Status.PUBLISHED}
        enterprises = [
            e.org
            for e in self.enterprises
            if e.org.pk in with_demand and e.org.region_id.startswith(province)
        ]
        enterprises.sort(
            key=lambda o: (o.pk != demo_enterprise.pk, not o.region_id.startswith(city), o.pk)
        )
        demo_researcher = self.researchers[0].obj
        researchers = [
            r.obj
            for r in self.researchers
            if r.obj.region_id and r.obj.region_id.startswith(province)
        ]
        researchers.sort(
            key=lambda r: (r.pk != demo_researcher.pk, r.unit_id != demo_researcher.unit_id, r.pk)
        )
        self.dispatch_round = dispatch_demo.build_demo_round(
            province_admin=self.accounts["province"],
            enterprises=enterprises[:DISPATCH_ROUND_ENTERPRISES],
            researchers=researchers[:DISPATCH_ROUND_RESEARCHERS],
            today=self.today,
            featured_enterprise=demo_enterprise,
            featured_researcher=demo_researcher,
        )
        self.report(stage, 1, 1)

    def build_contacts(self) -> None:
        """Invitations and expressions of interest in every state (``contacts.demo``)."""
        stage = _("Contacts")
        self.report(stage, 0, 1)
        demo_enterprise = self.enterprises[0]
        own = [d for d, e, _c in self.demands if e is demo_enterprise]
        field_key = self.researchers[0].field.key
        # Demands in the demo researcher's own field first: those are what they would answer.
        ranked = sorted(
            (
                (d, e)
                for d, e, _c in self.demands
                if e is not demo_enterprise and e.contact is not None
            ),
            key=lambda pair: (pair[1].field.key != field_key, pair[0].pk),
        )
        to_invite = [
            r.obj
            for r in self.researchers_by_field[demo_enterprise.field.key]
            if r.obj.unit_id != demo_enterprise.org.pk and not r.obj.has_integrity_record
        ]
        self.contacts = contacts_demo.build_demo_contacts(
            enterprise_user=self.accounts["enterprise"],
            researcher_user=self.accounts["researcher"],
            demo_demands=own,
            other_demands=[(d, e.contact) for d, e in ranked if e.contact is not None],
            other_researchers=to_invite[1:],
        ).contacts
        self.report(stage, 1, 1)

    # --- record -------------------------------------------------------------------------------

    # --- registrations waiting for a decision -------------------------------------------------

    def build_registrations(self) -> None:
        """One enterprise registration waiting for the city bureau and one researcher
        registration waiting for the demo unit, made through the services a visitor uses, so
        the queues are not empty and the to-dos exist."""
        from techbridge.accounts.registration import (
            EnterpriseRegistration,
            register_enterprise_account,
        )
        from techbridge.talent.joining import request_to_join

        stage = _("Registrations")
        self.report(stage, 0, 2)
        city = self.enterprises[0].org.region
        county = (
            Region.objects.filter(level=Region.Level.COUNTY, parent_id=city.city_code or city.code)
            .order_by("code")
            .first()
        )
        if county is not None:
            self.build_county_bureau(county)
        name = self.unique_name(lambda: f"{city.name}{self.pick(_NEW_COMPANY_WORDS)}科技有限公司")
        enterprise_user = register_enterprise_account(
            registration=EnterpriseRegistration(
                name=name,
                credit_code=self.credit_code(city.code),
                region=county or city,
                registered_on=self.today - datetime.timedelta(days=self.rng.randint(200, 3000)),
                industry=self.enterprises[0].org.industry,
                contact_name=self.person_name(),
                contact_phone="0532-8" + "".join(str(self.rng.randrange(10)) for _ in range(7)),
                contact_email="newcompany@example.com",
                username=self.free_username("newcompany"),
                password=DEMO_PASSWORD,
            )
        )
        self.report(stage, 1, 2)
        unit = self.demo_unit()
        request = request_to_join(
            unit=unit,
            name=self.person_name(),
            email="newresearcher@example.com",
            phone="139" + "".join(str(self.rng.randrange(10)) for _ in range(8)),
            title="副研究员",
            username=self.free_username("newresearcher"),
            password=DEMO_PASSWORD,
        )
        if enterprise_user.organisation is not None:  # always: the service sets it
            self.organisations.append(enterprise_user.organisation)
        self.registration_users = [enterprise_user, request.user]
        self.report(stage, 2, 2)

    def build_county_bureau(self, county: Region) -> None:
        """The science bureau of the county where the new enterprise registers, with the
        ``county`` account: it verifies that registration, as the city bureau may."""
        bureau = Organisation.objects.create(
            kind=Organisation.Kind.COUNTY_BUREAU,
            name=f"{county.full_name}科学技术局",
            region=county,
        )
        self.organisations.append(bureau)
        (user,) = self.upsert_users(
            [
                {
                    "username": "county",
                    "role": Role.COUNTY_BUREAU,
                    "organisation": bureau,
                    "region": county,
                    "display_name": self.person_name(),
                }
            ]
        )
        self.accounts["county"] = user
        self.users.append(user)

    @staticmethod
    def free_username(username: str) -> str:
        """``username``, renaming the inactive account an earlier build left under it (kept
        because it is in the audit trail) so that each build's registration can use it."""
        User.objects.filter(username=username, is_active=False).update(
            username=f"{username}-old-{timezone.now():%Y%m%d%H%M%S%f}"
        )
        return username

    def record(self) -> dict[str, int]:
        demands = [d for d, _e, _c in self.demands]
        counts = {
            "organisations": len(self.organisations),
            "enterprises": len(self.enterprises),
            "units": len(self.units),
            "users": len(self.users),
            "researchers": len(self.researchers),
            "achievements": self.achievement_count,
            "teams": len(self.teams),
            "demands": len(demands),
            "demand_accesses": len(self.accesses),
            "search_terms": self.search_terms,
            "dispatch_enterprise_applications": len(self.dispatch_round.enterprise_applications),
            "dispatch_commissioner_applications": len(
                self.dispatch_round.commissioner_applications
            ),
            "dispatches": len(self.dispatch_round.dispatches),
            "contacts": len(self.contacts),
        }
        for status in Demand.Status.values:
            counts[f"demands_{status}"] = sum(d.status == status for d in demands)
        audit.record(
            actor=self.accounts["admin"],
            action=AuditEntry.Action.IMPORT,
            object_type=DATASET_OBJECT_TYPE,
            object_id=str(self.seed),
            summary=f"Demo data set (seed {self.seed}, scale {self.scale})",
            detail={
                "seed": self.seed,
                "scale": self.scale,
                "counts": counts,
                "ids": {
                    "organisations": [o.pk for o in self.organisations],
                    "users": [u.pk for u in self.users]
                    + [u.pk for u in self.dispatch_round.created_users]
                    + [u.pk for u in self.registration_users],
                    "dispatch_rounds": [self.dispatch_round.round.pk],
                    "researchers": [r.obj.pk for r in self.researchers],
                    "teams": [t.pk for t in self.teams],
                    "demands": [d.pk for d in demands],
                },
            },
        )
        return counts

    def demo_accounts(self) -> list[DemoAccount]:
        return [
            DemoAccount(
                username=u.username,
                role=str(Role(u.role).label),
                organisation=u.organisation.name if u.organisation else "",
                region=u.region.full_name if u.region else "",
                is_superuser=u.is_superuser,
            )
            for u in self.accounts.values()
        ]


_NEW_COMPANY_WORDS = ("海蓝", "启航", "新源", "智造", "恒远", "卓越")


def _chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _uscc_check(code17: str) -> str:
    from stdnum.cn import uscc

    return uscc.calc_check_digit(code17)


def _unit_description(name: str, fields: Sequence[vocab.TechField]) -> str:
    names = "、".join(f.name for f in fields)
    return f"{name}在{names}等领域拥有一批科研团队和成果，积极组织科技人员服务企业。"


@contextmanager
def quiet_email() -> Iterator[None]:
    """Keep the e-mails and text messages the workflow sends while the demo is built in memory
    (the locmem backends) instead of printing or sending hundreds of them. Tasks run eagerly
    in development; a separate Celery worker would still use its own backends."""
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        SMS_BACKEND="techbridge.notifications.sms.LocmemBackend",
    ):
        yield
    sms.outbox.clear()


def build_demo_data(
    *,
    seed: int = 42,
    scale: float = 1.0,
    reset: bool = False,
    now: datetime.datetime | None = None,
    report: ProgressReport | None = None,
) -> BuildResult:
    """Create the demo data set in one transaction and return its counts and demo accounts.

    Refuses when demo data exists already, unless ``reset`` deletes it first.
    """
    counts = planned_counts(scale)  # validates the scale before anything is written
    with transaction.atomic():
        if reset:
            delete_demo_data()
        elif demo_data_exists():
            raise InvalidState(_("Demo data exists already; use --reset to rebuild it."))
        builder = _Builder(seed=seed, scale=scale, now=now or timezone.now(), report=report)
        builder.load_reference()
        builder.build_organisations()
        builder.build_accounts()
        builder.build_researchers()
        builder.build_teams()
        builder.build_demands()
        builder.build_accesses()
        builder.build_index()
        with quiet_email():
            builder.build_dispatch_round()
            builder.build_contacts()
            builder.build_registrations()
        counts = builder.record()
    return BuildResult(counts=counts, accounts=builder.demo_accounts())
