"""Eligibility rules of a round: one engine, each rule evaluated and reported on its own.

The pure part works on small dataclasses (``CommissionerFacts``, ``EnterpriseFacts``,
``RuleSpec``) so it can be tested and reused without the database; ``rules_of``, the
``*_facts`` builders and ``check_*`` load a round's rules and an application's data.

Defaults follow the source documents (section 五 and 六 of the Heilongjiang implementation
plan): a commissioner holds a doctorate or a deputy-senior title or above and has no
research-integrity record; a host enterprise is an independent legal person registered in the
province for at least one year (在省内注册满1年: counted from ``registered_in_province_on``, the
day it came to its current province, not from its first registration) and in the round's
region, and commits the post and working conditions.

``pair_conflict`` is of another kind: not a rule of the round (it cannot be switched off, and
no override passes it) but the one check on a *pair*, a researcher and an enterprise, used by
every step that could pair them and by the two-way selection.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from techbridge.core.errors import ValidationFailed
from techbridge.refdata.codes import region_prefix
from techbridge.refdata.models import Degree, TitleLevel
from techbridge.talent.selectors import conflict_of_interest

COMMISSIONER = "commissioner"
ENTERPRISE = "enterprise"

# Higher is more senior; ``None`` and unknown values rank lowest.
TITLE_RANK: dict[str, int] = {
    TitleLevel.SENIOR_FULL: 4,
    TitleLevel.SENIOR_DEPUTY: 3,
    TitleLevel.INTERMEDIATE: 2,
    TitleLevel.JUNIOR: 1,
    TitleLevel.NONE: 0,
}
DEGREE_PHRASES = {
    Degree.DOCTORATE: gettext_lazy("a doctorate"),
    Degree.MASTER: gettext_lazy("a master's degree"),
    Degree.BACHELOR: gettext_lazy("a bachelor's degree"),
    Degree.OTHER: gettext_lazy("another degree"),
}
TITLE_PHRASES = {
    TitleLevel.SENIOR_FULL: gettext_lazy("a full-senior title"),
    TitleLevel.SENIOR_DEPUTY: gettext_lazy("a deputy-senior title"),
    TitleLevel.INTERMEDIATE: gettext_lazy("an intermediate title"),
    TitleLevel.JUNIOR: gettext_lazy("a junior title"),
}


class NotEligible(ValidationFailed):
    """An application fails one or more enabled rules; ``results`` lists the failed ones."""

    def __init__(self, message: str, *, results: list[RuleResult]):
        super().__init__(message)
        self.results = results


@dataclass(frozen=True)
class CommissionerFacts:
    degree: str
    title_level: str
    has_integrity_record: bool


@dataclass(frozen=True)
class EnterpriseFacts:
    is_independent_legal_person: bool
    region_code: str
    # Since when it is registered in its current province (a company that moved in last month
    # has not been registered there for a year, whatever its first registration date).
    registered_on: datetime.date | None
    conditions_committed: bool


@dataclass(frozen=True)
class Context:
    """What rules compare against: the round's region and the day of the check."""

    region_code: str
    region_name: str
    today: datetime.date


@dataclass(frozen=True)
class RuleSpec:
    code: str
    enabled: bool = True
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleResult:
    code: str
    passed: bool
    message: str
    """The rule and its threshold, e.g. "Requires a doctorate or a deputy-senior title or above"."""
    finding: str = ""
    """What the application has, when the rule failed."""

    def __str__(self) -> str:
        return f"{self.message} ({self.finding})" if self.finding else self.message


Checker = Callable[[Any, Mapping[str, Any], Context], RuleResult]


@dataclass(frozen=True)
class RuleDefinition:
    code: str
    subject: str
    label: Any
    defaults: Mapping[str, Any]
    check: Checker
    validate: Callable[[Mapping[str, Any]], dict[str, Any]]


# --- the rules -------------------------------------------------------------------------------


def _degree_or_title_requirement(params: Mapping[str, Any]) -> str:
    degrees = [str(DEGREE_PHRASES[Degree(d)]) for d in params.get("degrees") or []]
    min_title = params.get("min_title_level")
    title = str(TITLE_PHRASES[TitleLevel(min_title)]) if min_title else ""
    degree_text = _(" or ").join(degrees)
    if degree_text and title:
        return _("Requires %(degree)s or %(title)s or above") % {
            "degree": degree_text,
            "title": title,
        }
    if title:
        return _("Requires %(title)s or above") % {"title": title}
    if degree_text:
        return _("Requires %(degree)s") % {"degree": degree_text}
    return _("No degree or title is required")


def _check_degree_or_title(
    facts: CommissionerFacts, params: Mapping[str, Any], context: Context
) -> RuleResult:
    message = _degree_or_title_requirement(params)
    degrees = set(params.get("degrees") or [])
    min_title = str(params.get("min_title_level") or "")
    if not degrees and not min_title:
        return RuleResult("commissioner_degree_or_title", True, message)
    has_degree = facts.degree in degrees
    has_title = bool(min_title) and TITLE_RANK.get(facts.title_level, 0) >= TITLE_RANK[min_title]
    if has_degree or has_title:
        return RuleResult("commissioner_degree_or_title", True, message)
    degree = Degree(facts.degree).label if facts.degree in Degree.values else _("no degree")
    title = (
        TitleLevel(facts.title_level).label
        if facts.title_level in TitleLevel.values
        else TitleLevel.NONE.label
    )
    finding = _("has: %(degree)s; title: %(title)s") % {"degree": degree, "title": title}
    return RuleResult("commissioner_degree_or_title", False, message, finding)


def _validate_degree_or_title(params: Mapping[str, Any]) -> dict[str, Any]:
    degrees = params.get("degrees", [])
    if not isinstance(degrees, list | tuple) or any(d not in Degree.values for d in degrees):
        raise ValidationFailed(
            _("Accepted degrees must be chosen from: %(choices)s.")
            % {"choices": ", ".join(Degree.values)},
            field="degrees",
        )
    min_title = params.get("min_title_level") or None
    if min_title is not None and min_title not in TITLE_PHRASES:
        raise ValidationFailed(
            _("The minimum title level must be one of: %(choices)s.")
            % {"choices": ", ".join(TITLE_PHRASES)},
            field="min_title_level",
        )
    return {"degrees": list(dict.fromkeys(degrees)), "min_title_level": min_title}


def _check_integrity(
    facts: CommissionerFacts, params: Mapping[str, Any], context: Context
) -> RuleResult:
    message = _("Requires no research-integrity record")
    if facts.has_integrity_record:
        finding = _("a research-integrity record exists")
        return RuleResult("commissioner_integrity", False, message, finding)
    return RuleResult("commissioner_integrity", True, message)


def _check_legal_person(
    facts: EnterpriseFacts, params: Mapping[str, Any], context: Context
) -> RuleResult:
    message = _("Requires an independent legal person")
    if facts.is_independent_legal_person:
        return RuleResult("enterprise_independent_legal_person", True, message)
    finding = _("the enterprise is not an independent legal person")
    return RuleResult("enterprise_independent_legal_person", False, message, finding)


def _check_in_region(
    facts: EnterpriseFacts, params: Mapping[str, Any], context: Context
) -> RuleResult:
    message = _("Requires registration in %(region)s") % {"region": context.region_name}
    if facts.region_code.startswith(region_prefix(context.region_code)):
        return RuleResult("enterprise_registered_in_region", True, message)
    finding = _("registered in region %(code)s") % {"code": facts.region_code}
    return RuleResult("enterprise_registered_in_region", False, message, finding)


def years_between(start: datetime.date, end: datetime.date) -> int:
    """Whole years from ``start`` to ``end`` (29 February counts as 28 February)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def _check_min_years(
    facts: EnterpriseFacts, params: Mapping[str, Any], context: Context
) -> RuleResult:
    years = int(params.get("min_years", 1))
    message = ngettext(
        "Requires registration in the province for at least %(years)d year",
        "Requires registration in the province for at least %(years)d years",
        years,
    ) % {"years": years}
    if facts.registered_on is None:
        finding = _("the registration date is unknown")
        return RuleResult("enterprise_min_years_registered", False, message, finding)
    if years_between(facts.registered_on, context.today) >= years:
        return RuleResult("enterprise_min_years_registered", True, message)
    finding = _("registered in the province since %(date)s") % {
        "date": facts.registered_on.isoformat()
    }
    return RuleResult("enterprise_min_years_registered", False, message, finding)


def _validate_min_years(params: Mapping[str, Any]) -> dict[str, Any]:
    value = params.get("min_years", 1)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 50:
        raise ValidationFailed(
            _("The minimum number of years must be a whole number from 0 to 50."),
            field="min_years",
        )
    return {"min_years": value}


def _check_conditions(
    facts: EnterpriseFacts, params: Mapping[str, Any], context: Context
) -> RuleResult:
    message = _("Requires a commitment to provide the commissioner's post and working conditions")
    if facts.conditions_committed:
        return RuleResult("enterprise_conditions_committed", True, message)
    finding = _("no commitment made")
    return RuleResult("enterprise_conditions_committed", False, message, finding)


def _no_params(params: Mapping[str, Any]) -> dict[str, Any]:
    if params:
        raise ValidationFailed(_("This rule has no thresholds."), field="params")
    return {}


RULES: dict[str, RuleDefinition] = {
    rule.code: rule
    for rule in (
        RuleDefinition(
            "commissioner_degree_or_title",
            COMMISSIONER,
            gettext_lazy("Degree or professional title"),
            {
                "degrees": [Degree.DOCTORATE.value],
                "min_title_level": TitleLevel.SENIOR_DEPUTY.value,
            },
            _check_degree_or_title,
            _validate_degree_or_title,
        ),
        RuleDefinition(
            "commissioner_integrity",
            COMMISSIONER,
            gettext_lazy("Research integrity"),
            {},
            _check_integrity,
            _no_params,
        ),
        RuleDefinition(
            "enterprise_independent_legal_person",
            ENTERPRISE,
            gettext_lazy("Independent legal person"),
            {},
            _check_legal_person,
            _no_params,
        ),
        RuleDefinition(
            "enterprise_registered_in_region",
            ENTERPRISE,
            gettext_lazy("Registered in the round's region"),
            {},
            _check_in_region,
            _no_params,
        ),
        RuleDefinition(
            "enterprise_min_years_registered",
            ENTERPRISE,
            gettext_lazy("Years registered in the province"),
            {"min_years": 1},
            _check_min_years,
            _validate_min_years,
        ),
        RuleDefinition(
            "enterprise_conditions_committed",
            ENTERPRISE,
            gettext_lazy("Working conditions committed"),
            {},
            _check_conditions,
            _no_params,
        ),
    )
}


def validate_params(code: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The thresholds of rule ``code`` checked and normalised; unknown keys are refused."""
    definition = RULES[code]
    unknown = set(params) - set(definition.defaults)
    if unknown:
        raise ValidationFailed(
            _("Unknown thresholds for this rule: %(keys)s.") % {"keys": ", ".join(sorted(unknown))},
            field="params",
        )
    return definition.validate({**definition.defaults, **params})


def evaluate(
    rules: Iterable[RuleSpec], *, subject: str, facts: Any, context: Context
) -> list[RuleResult]:
    """Each enabled rule of ``subject`` checked against ``facts``, in the order given."""
    results = []
    for rule in rules:
        definition = RULES.get(rule.code)
        if definition is None or definition.subject != subject or not rule.enabled:
            continue
        params = {**definition.defaults, **rule.params}
        results.append(definition.check(facts, params, context))
    return results


def failures(results: Iterable[RuleResult]) -> list[RuleResult]:
    return [r for r in results if not r.passed]


def raise_if_failed(results: list[RuleResult]) -> None:
    failed = failures(results)
    if failed:
        raise NotEligible(
            _("Not eligible: %(rules)s.") % {"rules": "; ".join(str(r) for r in failed)},
            results=failed,
        )


# --- loading a round's rules and an application's facts ----------------------------------------


def default_rules() -> list[RuleSpec]:
    return [RuleSpec(code, True, dict(d.defaults)) for code, d in RULES.items()]


def rules_of(round_: Any) -> list[RuleSpec]:
    return [RuleSpec(r.code, r.enabled, r.params) for r in round_.rules.all()]


def context_of(round_: Any, today: datetime.date | None = None) -> Context:
    return Context(
        region_code=round_.region_id,
        region_name=round_.region.full_name,
        today=today or timezone.localdate(),
    )


def commissioner_facts(researcher: Any) -> CommissionerFacts:
    return CommissionerFacts(
        degree=researcher.degree,
        title_level=researcher.title_level,
        has_integrity_record=researcher.has_integrity_record,
    )


def enterprise_facts(application: Any) -> EnterpriseFacts:
    return facts_of_enterprise(
        application.enterprise, conditions_committed=application.conditions_committed
    )


def facts_of_enterprise(enterprise: Any, *, conditions_committed: bool) -> EnterpriseFacts:
    return EnterpriseFacts(
        is_independent_legal_person=enterprise.is_independent_legal_person,
        region_code=enterprise.region_id,
        registered_on=enterprise.registered_in_province_on or enterprise.registered_on,
        conditions_committed=conditions_committed,
    )


def check_commissioner(
    *, round_: Any, researcher: Any, today: datetime.date | None = None
) -> list[RuleResult]:
    return evaluate(
        rules_of(round_),
        subject=COMMISSIONER,
        facts=commissioner_facts(researcher),
        context=context_of(round_, today),
    )


def check_enterprise(
    *, round_: Any, application: Any, today: datetime.date | None = None
) -> list[RuleResult]:
    return evaluate(
        rules_of(round_),
        subject=ENTERPRISE,
        facts=enterprise_facts(application),
        context=context_of(round_, today),
    )


# --- the pair rule: a conflict of interest ------------------------------------------------------


def pair_conflict(researcher: Any, enterprise: Any) -> str | None:
    """Why ``researcher`` may never be paired with ``enterprise`` (a conflict of interest), or
    None: the researcher's unit is the enterprise, or the researcher declared a relation with it
    (``talent.EnterpriseRelation``: shareholding, a post, former employment, family, a contract
    …), as the recommendations leave them out of its demands.

    The message names neither the kind of relation nor its note (declared relations are private
    to the researcher, their unit and the administrators), since it may reach the enterprise.
    The enterprise's declared relations are read once per ``enterprise`` instance (see
    ``talent.selectors.declared_relation_kinds``): share one instance to check many researchers.
    """
    conflict = conflict_of_interest(researcher, enterprise)
    if conflict == "unit":
        return _(
            "Conflict of interest: %(researcher)s belongs to %(enterprise)s and cannot be its "
            "commissioner."
        ) % {"researcher": researcher, "enterprise": enterprise}
    if conflict == "declared":
        return _(
            "Conflict of interest: %(researcher)s declared a relation with %(enterprise)s and "
            "cannot be its commissioner."
        ) % {"researcher": researcher, "enterprise": enterprise}
    return None
