"""The eligibility engine: each rule on its own, with thresholds changed and rules disabled, and
the round's rules applied when an application is submitted."""

from __future__ import annotations

import datetime

import pytest

from techbridge.core.errors import PermissionRefused, ValidationFailed
from techbridge.dispatch import eligibility, services
from techbridge.dispatch.eligibility import (
    COMMISSIONER,
    ENTERPRISE,
    CommissionerFacts,
    Context,
    EnterpriseFacts,
    NotEligible,
    RuleSpec,
    evaluate,
)
from techbridge.dispatch.models import EligibilityRule
from tests.dispatch.conftest import CA, EA

TODAY = datetime.date(2026, 6, 15)
SHANDONG = Context(region_code="370000", region_name="山东省", today=TODAY)


def commissioner(degree="doctorate", title="none", record=False) -> CommissionerFacts:
    return CommissionerFacts(degree=degree, title_level=title, has_integrity_record=record)


def enterprise(**overrides) -> EnterpriseFacts:
    facts = {
        "is_independent_legal_person": True,
        "region_code": "370211",
        "registered_on": datetime.date(2020, 1, 1),
        "conditions_committed": True,
    }
    facts.update(overrides)
    return EnterpriseFacts(**facts)


def one(code: str, facts, *, params=None, enabled=True, context=SHANDONG):
    subject = eligibility.RULES[code].subject
    results = evaluate(
        [RuleSpec(code, enabled, params or {})], subject=subject, facts=facts, context=context
    )
    return results[0] if results else None


# --- commissioner rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("degree", "title", "passed"),
    [
        ("doctorate", "none", True),
        ("master", "senior_deputy", True),
        ("bachelor", "senior_full", True),
        ("master", "intermediate", False),
        ("", "none", False),
    ],
)
def test_degree_or_title_default(degree, title, passed):
    result = one("commissioner_degree_or_title", commissioner(degree, title))
    assert result.passed is passed
    assert result.message == "Requires a doctorate or a deputy-senior title or above"
    if not passed:
        assert result.code == "commissioner_degree_or_title"
        assert "title" in result.finding


def test_degree_or_title_with_raised_thresholds():
    params = {"degrees": [], "min_title_level": "senior_full"}
    deputy = one(
        "commissioner_degree_or_title", commissioner("doctorate", "senior_deputy"), params=params
    )
    assert not deputy.passed
    assert deputy.message == "Requires a full-senior title or above"
    full = one("commissioner_degree_or_title", commissioner("master", "senior_full"), params=params)
    assert full.passed


def test_degree_or_title_accepting_masters():
    params = {"degrees": ["doctorate", "master"], "min_title_level": None}
    result = one("commissioner_degree_or_title", commissioner("master", "none"), params=params)
    assert result.passed
    assert result.message == "Requires a doctorate or a master's degree"


def test_integrity_record():
    assert one("commissioner_integrity", commissioner()).passed
    failed = one("commissioner_integrity", commissioner(record=True))
    assert not failed.passed
    assert failed.message == "Requires no research-integrity record"


def test_a_disabled_rule_is_not_evaluated():
    assert one("commissioner_integrity", commissioner(record=True), enabled=False) is None


def test_rules_of_the_other_subject_are_ignored():
    rules = eligibility.default_rules()
    results = evaluate(rules, subject=COMMISSIONER, facts=commissioner(), context=SHANDONG)
    assert {r.code for r in results} == {"commissioner_degree_or_title", "commissioner_integrity"}


# --- enterprise rules ---------------------------------------------------------------------------


def test_independent_legal_person():
    assert one("enterprise_independent_legal_person", enterprise()).passed
    failed = one(
        "enterprise_independent_legal_person", enterprise(is_independent_legal_person=False)
    )
    assert not failed.passed
    assert failed.message == "Requires an independent legal person"


@pytest.mark.parametrize(
    ("round_region", "enterprise_region", "passed"),
    [
        ("370000", "370211", True),  # a district of Qingdao in Shandong
        ("370000", "440300", False),  # Shenzhen is in Guangdong
        ("370200", "370211", True),  # a city round covers its districts
        ("370200", "370102", False),  # a Jinan district is outside a Qingdao round
    ],
)
def test_registered_in_the_rounds_region(round_region, enterprise_region, passed):
    context = Context(region_code=round_region, region_name="本地区", today=TODAY)
    result = one(
        "enterprise_registered_in_region",
        enterprise(region_code=enterprise_region),
        context=context,
    )
    assert result.passed is passed
    assert result.message == "Requires registration in 本地区"


@pytest.mark.parametrize(
    ("registered_on", "min_years", "passed"),
    [
        (datetime.date(2025, 6, 15), 1, True),  # exactly one year
        (datetime.date(2025, 6, 16), 1, False),  # one day short
        (None, 1, False),
        (datetime.date(2024, 1, 1), 3, False),  # threshold raised
        (datetime.date(2023, 6, 15), 3, True),
        (datetime.date(2026, 6, 15), 0, True),  # threshold removed
    ],
)
def test_years_since_registration(registered_on, min_years, passed):
    result = one(
        "enterprise_min_years_registered",
        enterprise(registered_on=registered_on),
        params={"min_years": min_years},
    )
    assert result.passed is passed
    unit = "year" if min_years == 1 else "years"
    assert (
        result.message == f"Requires registration in the province for at least {min_years} {unit}"
    )


def test_working_conditions_committed():
    assert one("enterprise_conditions_committed", enterprise()).passed
    failed = one("enterprise_conditions_committed", enterprise(conditions_committed=False))
    assert not failed.passed
    assert "working conditions" in failed.message


def test_every_failed_rule_is_named():
    facts = enterprise(is_independent_legal_person=False, conditions_committed=False)
    results = evaluate(
        eligibility.default_rules(), subject=ENTERPRISE, facts=facts, context=SHANDONG
    )
    with pytest.raises(NotEligible) as error:
        eligibility.raise_if_failed(results)
    assert [r.code for r in error.value.results] == [
        "enterprise_independent_legal_person",
        "enterprise_conditions_committed",
    ]
    assert "Requires an independent legal person" in error.value.message
    assert "working conditions" in error.value.message


@pytest.mark.parametrize(
    ("code", "params"),
    [
        ("enterprise_min_years_registered", {"min_years": -1}),
        ("enterprise_min_years_registered", {"min_years": "two"}),
        ("commissioner_degree_or_title", {"degrees": ["honorary"]}),
        ("commissioner_degree_or_title", {"min_title_level": "emeritus"}),
        ("commissioner_integrity", {"strict": True}),
    ],
)
def test_bad_thresholds_are_refused(code, params):
    with pytest.raises(ValidationFailed):
        eligibility.validate_params(code, params)


# --- rules of a round ---------------------------------------------------------------------------


def test_a_new_round_has_the_default_rules(round_):
    rules = {r.code: r for r in round_.rules.all()}
    assert set(rules) == set(eligibility.RULES)
    assert all(r.enabled for r in rules.values())
    assert rules["enterprise_min_years_registered"].params == {"min_years": 1}
    assert rules["commissioner_degree_or_title"].params == {
        "degrees": ["doctorate"],
        "min_title_level": "senior_deputy",
    }


def test_the_province_administrator_changes_thresholds_and_switches_rules(actors, round_):
    rule = services.update_rule(
        actor=actors["province_admin"],
        round_=round_,
        code="enterprise_min_years_registered",
        params={"min_years": 3},
    )
    assert rule.params == {"min_years": 3}
    services.update_rule(
        actor=actors["province_admin"], round_=round_, code="commissioner_integrity", enabled=False
    )
    assert not EligibilityRule.objects.get(round=round_, code="commissioner_integrity").enabled


@pytest.mark.parametrize(
    "name",
    ["city_bureau", "other_province_admin", "enterprise", "unit", "researcher", "auditor"],
)
def test_others_may_not_change_rules(actors, round_, name):
    with pytest.raises(PermissionRefused):
        services.update_rule(
            actor=actors[name], round_=round_, code="commissioner_integrity", enabled=False
        )
    assert EligibilityRule.objects.get(round=round_, code="commissioner_integrity").enabled


def test_submitting_an_ineligible_enterprise_names_the_rules_and_changes_nothing(
    actors, flow, enterprise
):
    application = flow.to("enterprise_application", EA.DRAFT)
    enterprise.is_independent_legal_person = False
    enterprise.save()
    services.update_enterprise_application(
        actor=actors["enterprise"], application=application, data={"conditions_committed": False}
    )
    with pytest.raises(NotEligible) as error:
        services.transition(obj=application, action="submit", actor=actors["enterprise"])
    assert "Requires an independent legal person" in error.value.message
    assert "working conditions" in error.value.message
    application.refresh_from_db()
    assert application.state == EA.DRAFT


def test_a_rule_switched_off_lets_the_application_through(actors, flow, enterprise, round_):
    application = flow.to("enterprise_application", EA.DRAFT)
    # Registered years ago, but moved into the province today: not there for a year yet.
    enterprise.registered_in_province_on = datetime.date.today()
    enterprise.save()
    with pytest.raises(NotEligible, match="at least 1 year"):
        services.transition(obj=application, action="submit", actor=actors["enterprise"])
    services.update_rule(
        actor=actors["province_admin"],
        round_=round_,
        code="enterprise_min_years_registered",
        params={"min_years": 0},
    )
    submitted = services.transition(obj=application, action="submit", actor=actors["enterprise"])
    assert submitted.state == EA.SUBMITTED


def test_an_ineligible_researcher_cannot_submit_nor_be_approved(actors, flow, round_):
    application = flow.to("commissioner_application", CA.DRAFT)
    researcher = application.researcher
    researcher.degree = "master"
    researcher.title_level = "intermediate"
    researcher.save()
    with pytest.raises(NotEligible, match="doctorate or a deputy-senior title"):
        services.transition(obj=application, action="submit", actor=actors["researcher"])
    services.update_rule(
        actor=actors["province_admin"],
        round_=round_,
        code="commissioner_degree_or_title",
        params={"min_title_level": "intermediate"},
    )
    services.transition(obj=application, action="submit", actor=actors["researcher"])
    researcher.has_integrity_record = True
    researcher.save()
    with pytest.raises(NotEligible, match="research-integrity"):
        services.transition(obj=application, action="unit_approve", actor=actors["unit"])
    application.refresh_from_db()
    assert application.state == CA.SUBMITTED
