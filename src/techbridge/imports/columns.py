"""The columns of the researcher and demand templates and how each cell becomes service input.

Headers are the Chinese ones of the downloadable templates (the data format users fill in);
reference columns accept a code or a name (industry ``39`` or ``计算机、通信和其他电子设备制造业``),
choice columns the Chinese labels of the template as well as the stored values. A cell that cannot
be converted raises ``CellError`` with a message for the error report; the domain services then
validate the converted row as they would a form.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import override as override_language

from techbridge.demands.models import Demand
from techbridge.refdata.models import Degree, Discipline, Industry, Region, TitleLevel
from techbridge.talent.models import Achievement

from .parsing import cell_text, normalise_header


class CellError(Exception):
    """A cell's value cannot be used; the message is already translated."""


def fold_text(text: str) -> str:
    """Comparable form of a name or label: half-width, lower case, no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


# --- reference tables ---------------------------------------------------------------------------


class References:
    """Code tables loaded once per import, so a row costs no look-up query."""

    def __init__(self) -> None:
        self.industries = _CodeIndex(Industry.objects.all())
        self.disciplines = _CodeIndex(Discipline.objects.all())
        regions = list(Region.objects.select_related("parent"))
        self.regions = _CodeIndex(regions, extra_names=lambda r: _region_names(r))


def _region_names(region: Region) -> list[str]:
    names = [region.full_name]
    for suffix in ("省", "市", "自治区", "特别行政区"):
        if region.name.endswith(suffix) and len(region.name) > len(suffix) + 1:
            names.append(region.name[: -len(suffix)])
    return names


class _CodeIndex:
    def __init__(self, rows: Iterable[Any], extra_names: Callable[[Any], list[str]] | None = None):
        self.by_code: dict[str, Any] = {}
        self.by_name: dict[str, Any] = {}
        ambiguous: set[str] = set()
        for row in rows:
            self.by_code[fold_text(row.code)] = row
            for name in [row.name, *(extra_names(row) if extra_names else [])]:
                key = fold_text(name)
                if key in self.by_name and self.by_name[key].pk != row.pk:
                    ambiguous.add(key)
                self.by_name.setdefault(key, row)
        self.ambiguous = ambiguous

    def find(self, value: str) -> Any | None:
        """By code, by name, or by the code in front of ``39 计算机…`` / ``430-材料科学``."""
        key = fold_text(value)
        if key in self.by_code:
            return self.by_code[key]
        if key in self.by_name and key not in self.ambiguous:
            return self.by_name[key]
        match = re.match(
            r"^([0-9a-z]+)[\s\-_:：.、]*", unicodedata.normalize("NFKC", value).lower()
        )
        if match and match.group(1) in self.by_code:
            return self.by_code[match.group(1)]
        return None


def _split(value: str, separators: str) -> list[str]:
    return [part.strip() for part in re.split(f"[{separators}\n]", value) if part.strip()]


# Discipline names never contain 、, industry names may (计算机、通信和其他电子设备制造业).
DISCIPLINE_SEPARATORS = "，,、;；"
INDUSTRY_SEPARATORS = "，,;；"
KEYWORD_SEPARATORS = "，,、;；|"


def to_industry(value: str, refs: References) -> Industry:
    industry = refs.industries.find(value)
    if industry is None:
        raise CellError(
            _("Unknown industry “%(value)s”; use a GB/T 4754 code or name.") % {"value": value}
        )
    return industry


def to_industries(value: str, refs: References) -> list[Industry]:
    whole = refs.industries.find(value)
    if whole is not None:
        return [whole]
    return list(
        dict.fromkeys(to_industry(part, refs) for part in _split(value, INDUSTRY_SEPARATORS))
    )


def to_disciplines(value: str, refs: References) -> list[Discipline]:
    found = []
    for part in _split(value, DISCIPLINE_SEPARATORS):
        discipline = refs.disciplines.find(part)
        if discipline is None:
            raise CellError(
                _("Unknown discipline “%(value)s”; use a GB/T 13745 code or name.")
                % {"value": part}
            )
        found.append(discipline)
    return list(dict.fromkeys(found))


def to_region(value: str, refs: References) -> Region:
    region = refs.regions.find(value)
    if region is None:
        if fold_text(value) in refs.regions.ambiguous:
            raise CellError(
                _("The region name “%(value)s” is ambiguous; use its code.") % {"value": value}
            )
        raise CellError(
            _("Unknown region “%(value)s”; use a GB/T 2260 code or name.") % {"value": value}
        )
    return region


# --- plain values -------------------------------------------------------------------------------


def to_text(value: str, refs: References) -> str:
    return value


def to_keywords(value: str, refs: References) -> list[str]:
    return _split(value, KEYWORD_SEPARATORS)


def to_whole_number(value: str, refs: References) -> int:
    try:
        return int(Decimal(value))
    except (InvalidOperation, ValueError):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": value}) from None


def to_amount(value: str, refs: References) -> Decimal:
    text = value.replace(",", "").replace("，", "").removesuffix("万元").removesuffix("万").strip()
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not amount.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    return amount


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def to_date(value: str, refs: References) -> datetime.date:
    text = unicodedata.normalize("NFKC", value).strip().split(" ")[0]
    match = _DATE.match(text) or re.match(r"^(\d{4})(\d{2})(\d{2})$", text)
    try:
        if match:
            return datetime.date(*(int(g) for g in match.groups()))
    except ValueError:
        pass
    raise CellError(_("“%(value)s” is not a date; write it as 2025-12-31.") % {"value": value})


_ACHIEVEMENT_KINDS = {
    "论文": Achievement.Kind.PAPER,
    "专利": Achievement.Kind.PATENT,
    "项目": Achievement.Kind.PROJECT,
    "成果": Achievement.Kind.RESULT,
    "奖励": Achievement.Kind.AWARD,
    "获奖": Achievement.Kind.AWARD,
}


def to_achievements(value: str, refs: References) -> list[dict[str, Any]]:
    """``论文：高镍正极材料研究（2023）；专利：一种隔膜涂层`` → achievements; the kind prefix and
    the year are optional (without a prefix the item is a scientific achievement)."""
    items = []
    for part in _split(value, ";；"):
        text = unicodedata.normalize("NFKC", part)
        kind = Achievement.Kind.RESULT
        prefix = re.match(r"^(论文|专利|项目|成果|奖励|获奖)\s*[:]\s*", text)
        if prefix:
            kind = _ACHIEVEMENT_KINDS[prefix.group(1)]
            text = text[prefix.end() :]
        year = None
        year_match = re.search(r"\((\d{4})\)\s*$", text)
        if year_match:
            year = int(year_match.group(1))
            text = text[: year_match.start()]
        items.append({"kind": kind, "title": text.strip()[:300], "year": year})
    return items


# --- choices ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """Chinese labels of a choice field; the first one is the label the template shows."""

    choices: Any  # a TextChoices class
    labels: dict[str, tuple[str, ...]]
    noun: Any  # lazy text: "cooperation mode"

    def allowed(self) -> str:
        return "、".join(names[0] for names in self.labels.values())

    def lookup(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for value, label in self.choices.choices:
            table[fold_text(value)] = value
            with override_language("en"):
                table[fold_text(str(label))] = value
            table[fold_text(str(label))] = value
        for value, names in self.labels.items():
            for name in names:
                table[fold_text(name)] = value
        return table

    def __call__(self, value: str, refs: References) -> str:
        found = self.lookup().get(fold_text(value))
        if found is None:
            raise CellError(
                _("Unknown %(noun)s “%(value)s”; use one of: %(allowed)s.")
                % {"noun": self.noun, "value": value, "allowed": self.allowed()}
            )
        return found


TITLE_LEVELS = Choice(
    TitleLevel,
    {
        TitleLevel.SENIOR_FULL: ("正高级", "正高"),
        TitleLevel.SENIOR_DEPUTY: ("副高级", "副高"),
        TitleLevel.INTERMEDIATE: ("中级",),
        TitleLevel.JUNIOR: ("初级",),
        TitleLevel.NONE: ("无",),
    },
    gettext_lazy("title level"),
)
DEGREES = Choice(
    Degree,
    {
        Degree.DOCTORATE: ("博士", "博士研究生", "博士学位"),
        Degree.MASTER: ("硕士", "硕士研究生", "硕士学位"),
        Degree.BACHELOR: ("学士", "本科", "学士学位"),
        Degree.OTHER: ("其他",),
    },
    gettext_lazy("degree"),
)
COOPERATION_MODES = Choice(
    Demand.CooperationMode,
    {
        Demand.CooperationMode.CONSULTING: ("技术咨询", "咨询"),
        Demand.CooperationMode.DIAGNOSIS: ("技术诊断", "诊断"),
        Demand.CooperationMode.JOINT_RD: ("联合研发", "合作研发", "联合攻关"),
        Demand.CooperationMode.TRANSFER: ("技术转让", "成果转让", "转让"),
        Demand.CooperationMode.LICENSING: ("技术许可", "许可"),
        Demand.CooperationMode.DISPATCH: ("科技专员派驻", "专员派驻", "派驻科技专员"),
    },
    gettext_lazy("cooperation mode"),
)
CONFIDENTIALITY = Choice(
    Demand.Confidentiality,
    {
        Demand.Confidentiality.PUBLIC: ("公开",),
        Demand.Confidentiality.INVITED: ("仅向受邀专家公开", "受邀专家可见"),
        Demand.Confidentiality.CONFIDENTIAL: ("保密", "完全保密"),
    },
    gettext_lazy("confidentiality level"),
)


# --- the two templates --------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    header: str
    field: str | None  # the service's data key; None for a column that is only checked
    description: Any  # lazy text for the explanation sheet
    convert: Callable[[str, References], Any] = to_text
    required: bool = False
    aliases: tuple[str, ...] = ()
    allowed: Any = ""  # lazy text or a Choice
    example: str = ""

    def names(self) -> list[str]:
        return [normalise_header(n) for n in (self.header, *self.aliases)]

    def allowed_text(self) -> str:
        return self.allowed.allowed() if isinstance(self.allowed, Choice) else str(self.allowed)


@dataclass(frozen=True)
class Schema:
    kind: str
    columns: tuple[Column, ...]

    def column_for_field(self, field_name: str | None) -> str:
        for column in self.columns:
            if column.field and column.field == field_name:
                return column.header
        return ""

    def locate(self, headers: list[str]) -> tuple[dict[str, str], list[str]]:
        """Map each column to the file's header for it; list the required ones that are missing."""
        present = set(headers)
        found: dict[str, str] = {}
        missing: list[str] = []
        for column in self.columns:
            name = next((n for n in column.names() if n in present), None)
            if name is not None:
                found[column.header] = name
            elif column.required:
                missing.append(column.header)
        return found, missing

    def convert(
        self, row: dict[str, Any], located: dict[str, str], refs: References
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The service data of one row and the (column, message) problems of its cells."""
        data: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        for column in self.columns:
            raw = row.get(located.get(column.header, ""))
            text = cell_text(raw)
            if not text:
                if column.required:
                    problems.append((column.header, _("This column is required.")))
                continue
            try:
                value = column.convert(text, refs)
            except CellError as exc:
                problems.append((column.header, str(exc)))
                continue
            data[column.header if column.field is None else column.field] = value
        return data, problems


RESEARCHER_SCHEMA = Schema(
    kind="researchers",
    columns=(
        Column(
            "姓名",
            "name",
            gettext_lazy("Full name of the researcher."),
            required=True,
            example="张明",
        ),
        Column(
            "单位",
            None,
            gettext_lazy(
                "Name of the dispatching unit; if filled in it must be the unit you import into."
            ),
            aliases=("所在单位", "工作单位"),
        ),
        Column(
            "院系",
            "department",
            gettext_lazy("School, department or laboratory."),
            aliases=("所在院系", "部门"),
            example="材料科学与工程学院",
        ),
        Column(
            "职称",
            "title",
            gettext_lazy("Professional title as written, e.g. 教授, 研究员."),
            example="教授",
        ),
        Column(
            "职称级别",
            "title_level",
            gettext_lazy("Level of the professional title."),
            convert=TITLE_LEVELS,
            allowed=TITLE_LEVELS,
            example="正高级",
        ),
        Column(
            "学位",
            "degree",
            gettext_lazy("Highest academic degree."),
            convert=DEGREES,
            allowed=DEGREES,
            example="博士",
        ),
        Column(
            "学科",
            "disciplines",
            gettext_lazy(
                "GB/T 13745 first-level disciplines, by code or name; "
                "separate several with 、 or ；."
            ),
            convert=to_disciplines,
            aliases=("学科代码", "学科名称", "学科代码或名称"),
            allowed=gettext_lazy("3-digit GB/T 13745 codes, e.g. 430 (材料科学)"),
            example="430",
        ),
        Column(
            "服务行业",
            "industries",
            gettext_lazy(
                "GB/T 4754 industries the researcher can serve, by code or name; separate several "
                "with ；."
            ),
            convert=to_industries,
            aliases=("行业代码", "行业"),
            allowed=gettext_lazy("2-digit GB/T 4754 codes, e.g. 39"),
            example="39",
        ),
        Column(
            "研究方向关键词",
            "keywords",
            gettext_lazy("Research keywords separated by ，、 or ；."),
            convert=to_keywords,
            aliases=("关键词", "研究方向"),
            example="锂离子电池、固态电解质",
        ),
        Column(
            "简介",
            "summary",
            gettext_lazy("Short biography and research summary."),
            aliases=("个人简介",),
            example="长期从事新能源材料研究。",
        ),
        Column(
            "所在地区代码",
            "region",
            gettext_lazy(
                "Region where the researcher works, by GB/T 2260 code or name; empty means the "
                "unit's region."
            ),
            convert=to_region,
            aliases=("所在地区", "地区代码", "地区"),
            allowed=gettext_lazy("6-digit GB/T 2260 codes, e.g. 370200"),
            example="370200",
        ),
        Column(
            "可服务企业数",
            "capacity",
            gettext_lazy("How many enterprises the researcher can serve at once (0 to 20)."),
            convert=to_whole_number,
            allowed=gettext_lazy("0 to 20; default 2"),
            example="2",
        ),
        Column(
            "邮箱",
            "email",
            gettext_lazy("E-mail address."),
            aliases=("电子邮箱",),
            example="zhangming@example.edu.cn",
        ),
        Column(
            "电话",
            "phone",
            gettext_lazy("Phone number."),
            aliases=("联系电话", "手机"),
            example="13800000000",
        ),
        Column(
            "代表性成果",
            "achievements",
            gettext_lazy(
                "Representative results separated by ；, each optionally prefixed by its kind "
                "(论文：, 专利：, 项目：, 成果：, 获奖：) and followed by its year in brackets."
            ),
            convert=to_achievements,
            example="论文：高镍正极材料的表面包覆研究（2023）",
        ),
    ),
)

DEMAND_SCHEMA = Schema(
    kind="demands",
    columns=(
        Column(
            "需求名称",
            "title",
            gettext_lazy("Title of the technical demand."),
            required=True,
            aliases=("需求标题",),
            example="动力电池隔膜涂层工艺改进",
        ),
        Column(
            "公开摘要",
            "summary",
            gettext_lazy("Summary shown to everyone, whatever the confidentiality level."),
            example="寻求隔膜涂层工艺方面的合作。",
        ),
        Column(
            "需求描述",
            "description",
            gettext_lazy("Full description of the problem."),
            required=True,
            example="现有陶瓷涂覆隔膜在高温下收缩率偏高，需要改进浆料配方与涂布工艺。",
        ),
        Column(
            "预期成果",
            "expected_outcome",
            gettext_lazy("What the cooperation should deliver."),
            example="热收缩率降低到2%以下。",
        ),
        Column(
            "行业代码",
            "industry",
            gettext_lazy("GB/T 4754 industry, by code or name."),
            convert=to_industry,
            required=True,
            aliases=("行业", "所属行业", "行业名称"),
            allowed=gettext_lazy("2-digit GB/T 4754 codes, e.g. 39"),
            example="39",
        ),
        Column(
            "技术领域(学科)",
            "disciplines",
            gettext_lazy(
                "GB/T 13745 disciplines of the technical field, by code or name; separate several "
                "with 、 or ；."
            ),
            convert=to_disciplines,
            aliases=("技术领域", "学科", "学科代码"),
            allowed=gettext_lazy("3-digit GB/T 13745 codes, e.g. 430 (材料科学)"),
            example="430",
        ),
        Column(
            "关键词",
            "keywords",
            gettext_lazy("Keywords separated by ，、 or ；."),
            convert=to_keywords,
            example="隔膜、陶瓷涂层",
        ),
        Column(
            "合作方式",
            "cooperation_mode",
            gettext_lazy("How the enterprise wants to cooperate."),
            convert=COOPERATION_MODES,
            required=True,
            allowed=COOPERATION_MODES,
            example="联合研发",
        ),
        Column(
            "预算下限(万元)",
            "budget_min",
            gettext_lazy("Lower end of the budget, in 10,000 yuan."),
            convert=to_amount,
            aliases=("预算下限",),
            allowed=gettext_lazy("a number, e.g. 20"),
            example="20",
        ),
        Column(
            "预算上限(万元)",
            "budget_max",
            gettext_lazy("Upper end of the budget, in 10,000 yuan; not below the lower end."),
            convert=to_amount,
            aliases=("预算上限",),
            allowed=gettext_lazy("a number, e.g. 50"),
            example="50",
        ),
        Column(
            "截止日期",
            "deadline",
            gettext_lazy("Date by which the demand should be met."),
            convert=to_date,
            allowed=gettext_lazy("a date, e.g. 2027-12-31"),
        ),
        Column(
            "所在地区",
            "region",
            gettext_lazy(
                "Region of the demand, by GB/T 2260 code or name; empty means the enterprise's "
                "region."
            ),
            convert=to_region,
            aliases=("所在地区代码", "地区代码", "地区"),
            allowed=gettext_lazy("6-digit GB/T 2260 codes, e.g. 370200"),
            example="370200",
        ),
        Column(
            "保密级别",
            "confidentiality",
            gettext_lazy("Who may read the protected details; empty means public."),
            convert=CONFIDENTIALITY,
            allowed=CONFIDENTIALITY,
            example="公开",
        ),
        Column("联系人", "contact_name", gettext_lazy("Contact person."), example="李华"),
        Column(
            "联系电话", "contact_phone", gettext_lazy("Contact phone."), example="0532-88888888"
        ),
    ),
)

SCHEMAS = {RESEARCHER_SCHEMA.kind: RESEARCHER_SCHEMA, DEMAND_SCHEMA.kind: DEMAND_SCHEMA}
