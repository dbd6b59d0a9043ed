"""Who may see which recommendations.

* Researchers recommended for a demand: the people who may act on them — the demand's owners
  (its enterprise's users, the technology managers it authorised, the demand's manager; see
  ``demands.selectors.can_edit``), superusers, and the city bureaus and provincial
  administrators of the demand's region, who organise the matching there. Researchers, units,
  auditors and other enterprises may not: a researcher does not see who else was recommended.
* Demands recommended for a researcher: the researcher (their own profile), their unit, the
  administrators of their region and superusers (``talent.selectors.can_manage`` plus region
  administrators). What each of them sees of a demand is masked for them.
"""

from __future__ import annotations

from typing import Any

from techbridge.accounts.permissions import ADMIN_ROLES, administers_region
from techbridge.demands import selectors as demand_selectors
from techbridge.demands.models import Demand
from techbridge.talent.models import Researcher
from techbridge.talent.selectors import can_manage


def can_see_researcher_recommendations(user: Any, demand: Demand) -> bool:
    if not user.is_authenticated:
        return False
    if not demand_selectors.demands_visible_to(user).filter(pk=demand.pk).exists():
        return False
    if demand_selectors.can_edit(user, demand):
        return True
    return user.role in ADMIN_ROLES and administers_region(user, demand.region_id)


def can_see_recommended_demands(user: Any, researcher: Researcher) -> bool:
    if not user.is_authenticated:
        return False
    if can_manage(user, researcher):
        return True
    return user.role in ADMIN_ROLES and administers_region(user, researcher.region_id)
