"""The dispatch tests' fixtures (``actors``, ``round_``, ``demand``, ``flow``, English messages),
re-exported, and a dispatch waiting for its agreement with every party's data filled in."""

from __future__ import annotations

import pytest

from tests.dispatch.conftest import DS, Flow, _english, actors, demand, flow, round_

__all__ = ["DS", "Flow", "_english", "actors", "demand", "flow", "round_"]


@pytest.fixture(autouse=True)
def _documents_in_english(settings):
    """Documents are written in the site's default language; tests read the English source."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def pending(flow: Flow, enterprise, unit):
    """A dispatch in ``agreement_pending`` with no agreement generated and no confirmation."""
    enterprise.name = "青岛海纳新材料有限公司"
    enterprise.address = "山东省青岛市崂山区科苑纬一路1号"
    enterprise.contact_name = "王经理"
    enterprise.contact_phone = "0532-88886666"
    enterprise.save()
    unit.name = "中国海洋大学"
    unit.address = "青岛市松岭路238号"
    unit.save()
    researcher = flow.actors["researcher"].researcher
    researcher.name = "李晓明"
    researcher.department = "材料科学与工程学院"
    researcher.phone = "13800000000"
    researcher.save()
    flow.generate_agreement = False
    return flow.to("dispatch", DS.AGREEMENT_PENDING)
