"""在省内注册满1年: an enterprise's years of registration count in its current province, so a
company that moved in from another province last month is not yet eligible to host."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from techbridge.core.errors import ValidationFailed
from techbridge.dispatch import eligibility
from techbridge.orgs import services
from techbridge.refdata.models import Region
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LONG_AGO = datetime.date(2015, 3, 1)
SHANDONG = eligibility.Context(region_code="370000", region_name="山东省", today=TODAY)


def passes_years_rule(enterprise) -> bool:
    facts = eligibility.facts_of_enterprise(enterprise, conditions_committed=True)
    rules = [
        spec
        for spec in eligibility.default_rules()
        if spec.code in ("enterprise_registered_in_region", "enterprise_min_years_registered")
    ]
    results = eligibility.evaluate(
        rules, subject=eligibility.ENTERPRISE, facts=facts, context=SHANDONG
    )
    return all(r.passed for r in results)


def test_a_new_enterprise_is_in_its_province_since_its_registration(users):
    enterprise = factories.EnterpriseFactory(registered_on=LONG_AGO)
    assert enterprise.registered_in_province_on == LONG_AGO
    assert passes_years_rule(enterprise)


def test_moving_within_the_province_keeps_the_date_moving_in_resets_it(users):
    enterprise = factories.EnterpriseFactory(
        registered_on=LONG_AGO,
        region=Region.objects.get(code="320100"),  # Nanjing, Jiangsu
    )
    assert not passes_years_rule(enterprise)  # not in Shandong at all
    enterprise.region = Region.objects.get(code="370200")  # moves to Qingdao, Shandong
    enterprise.save()
    assert enterprise.registered_in_province_on == TODAY
    assert not passes_years_rule(enterprise)  # in the province, but not for a year
    enterprise.region = Region.objects.get(code="370100")  # then to Jinan, same province
    enterprise.save()
    assert enterprise.registered_in_province_on == TODAY


def test_the_edit_form_path_resets_it_and_a_stated_date_is_kept(users, enterprise):
    enterprise.registered_on = LONG_AGO
    enterprise.registered_in_province_on = LONG_AGO
    enterprise.save()
    data = {"region": Region.objects.get(code="320100"), "registered_in_province_on": None}
    moved = services.update_enterprise(
        actor=users["enterprise"], organisation=enterprise, data=data
    )
    assert moved.registered_in_province_on == TODAY
    stated = datetime.date(2024, 6, 1)
    corrected = services.update_enterprise(
        actor=users["enterprise"],
        organisation=moved,
        data={"region": Region.objects.get(code="370200"), "registered_in_province_on": stated},
    )
    assert corrected.registered_in_province_on == stated


@pytest.mark.parametrize("since", [TODAY + datetime.timedelta(days=1), datetime.date(2010, 1, 1)])
def test_a_date_outside_registration_and_today_is_refused(users, enterprise, since):
    enterprise.registered_on = enterprise.registered_in_province_on = LONG_AGO
    enterprise.save()
    with pytest.raises(ValidationFailed) as refused:
        services.update_enterprise(
            actor=users["enterprise"],
            organisation=enterprise,
            data={"registered_in_province_on": since},
        )
    assert refused.value.field == "registered_in_province_on"
    enterprise.refresh_from_db()
    assert enterprise.registered_in_province_on == LONG_AGO
