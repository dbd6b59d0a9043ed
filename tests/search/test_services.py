"""The inverted index: ranking, the three-quarters rule and protected terms."""

from __future__ import annotations

import pytest

from techbridge.search import services
from techbridge.search.models import SearchTerm
from techbridge.talent.models import Researcher
from tests import factories


@pytest.mark.django_db
def test_search_ranks_heavier_fields_first():
    a = factories.ResearcherFactory(keywords=["工业机器人"], summary="")
    b = factories.ResearcherFactory(keywords=["数据库"], summary="也做过工业机器人项目")
    for researcher in (a, b):
        services.index_document(
            kind=SearchTerm.Kind.RESEARCHER,
            object_id=researcher.pk,
            public=[(" ".join(researcher.keywords), 3.0), (researcher.summary, 1.0)],
        )
    found = list(services.search(Researcher.objects.all(), kind="researcher", text="工业机器人"))
    assert found == [a, b]


@pytest.mark.django_db
def test_protected_terms_match_only_for_allowed_ids():
    r = factories.ResearcherFactory()
    services.index_document(
        kind="researcher", object_id=r.pk, public=[("公开内容", 1.0)], protected=[("秘密配方", 1.0)]
    )
    qs = Researcher.objects.all()
    assert list(services.search(qs, kind="researcher", text="秘密配方")) == []
    allowed = Researcher.objects.filter(pk=r.pk).values("id")
    assert list(services.search(qs, kind="researcher", text="秘密配方", protected_ids=allowed)) == [
        r
    ]


@pytest.mark.django_db
def test_reindexing_replaces_old_terms():
    r = factories.ResearcherFactory()
    services.index_document(kind="researcher", object_id=r.pk, public=[("旧方向", 1.0)])
    services.index_document(kind="researcher", object_id=r.pk, public=[("新方向", 1.0)])
    qs = Researcher.objects.all()
    assert list(services.search(qs, kind="researcher", text="旧方向")) == []
    assert list(services.search(qs, kind="researcher", text="新方向")) == [r]
