"""The index follows profile edits: through the talent services, signals and tasks."""

from __future__ import annotations

import pytest
from django.db import transaction

from techbridge.matching.dense import HashingEncoder
from techbridge.recommendations import services, tasks
from techbridge.recommendations.models import IndexChange
from techbridge.talent import services as talent_services
from tests import factories
from tests.recommendations.conftest import ids, researcher


def rank(demand):
    return ids(services.rank_researchers_for_demand(demand=demand, k=20))


def test_edited_keywords_reach_the_index(pool, users):
    newcomer = researcher(name="郑转行", keywords=["小麦育种"], unit=users["unit"].organisation)
    assert rank(pool.demand).index(newcomer.pk) > rank(pool.demand).index(pool.province.pk)
    talent_services.update_researcher(
        actor=users["unit"],
        researcher=newcomer,
        data={"keywords": ["陶瓷涂层", "隔膜", "涂布工艺", "浆料配方"]},
    )
    rows = services.rank_researchers_for_demand(demand=pool.demand, k=20)
    assert ids(rows).index(newcomer.pk) < ids(rows).index(pool.province.pk)
    row = next(r for r in rows if r.researcher == newcomer)
    assert "陶瓷涂层" in row.reasons.values("keyword")


def test_a_new_achievement_reaches_the_index(pool, users):
    person = researcher(name="冯论文", keywords=["材料"], unit=users["unit"].organisation)
    talent_services.add_achievement(
        actor=users["unit"],
        researcher=person,
        data={"kind": "paper", "title": "陶瓷涂层隔膜的浆料配方与涂布工艺"},
    )
    row = next(
        r
        for r in services.rank_researchers_for_demand(demand=pool.demand, k=20)
        if r.researcher == person
    )
    assert row.reasons.values("achievement") == ["陶瓷涂层隔膜的浆料配方与涂布工艺"]


def test_deleted_researcher_is_gone(pool):
    assert pool.best.pk in rank(pool.demand)
    pool.best.delete()
    assert pool.best.pk not in rank(pool.demand)


def test_integrity_record_set_later_removes_them(pool, users):
    talent_services.update_researcher(
        actor=users["unit"]
        if False
        else factories.UserFactory(role="unit", organisation=pool.best.unit),
        researcher=pool.best,
        data={"has_integrity_record": True},
    )
    assert pool.best.pk not in rank(pool.demand)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_changes_are_announced_once_per_transaction_on_commit(monkeypatch):
    """A profile edit saves the row, its relations and achievements; other processes hear of
    it once, when the transaction commits (and not at all if it rolls back)."""
    unit = factories.UnitFactory()
    unit_user = factories.UserFactory(role="unit", organisation=unit)
    person = researcher(name="韩批量", keywords=["隔膜"], unit=unit)
    enqueued: list[int] = []
    monkeypatch.setattr(
        tasks.update_profile_in_index,
        "apply",
        lambda kwargs, **options: enqueued.append(kwargs["researcher_id"]),
    )
    before = IndexChange.objects.count()
    talent_services.update_researcher(
        actor=unit_user,
        researcher=person,
        data={
            "keywords": ["隔膜", "涂层"],
            "disciplines": [factories.discipline("480", "能源科学技术")],
            "achievements": [{"kind": "paper", "title": "一"}, {"kind": "patent", "title": "二"}],
        },
    )
    assert enqueued == [person.pk]
    with pytest.raises(RuntimeError), transaction.atomic():
        talent_services.update_researcher(
            actor=unit_user, researcher=person, data={"keywords": ["回滚"]}
        )
        raise RuntimeError
    assert enqueued == [person.pk]
    monkeypatch.undo()
    talent_services.update_researcher(
        actor=unit_user, researcher=person, data={"keywords": ["隔膜"]}
    )
    assert list(IndexChange.objects.values_list("pool", "object_id")[before:]) == [
        ("researchers", person.pk)
    ]


def test_another_process_applies_recorded_changes_without_a_rebuild(pool):
    engine = services.researcher_engine()
    assert services.researcher_engine() is engine
    # A worker in another process recorded an edit made there: this process applies it to the
    # same engine before its next query.
    from techbridge.talent.models import Researcher

    Researcher.objects.filter(pk=pool.unrelated.pk).update(keywords=["陶瓷涂层", "隔膜"])
    services.reset_indexes()
    engine = services.researcher_engine()
    services.update_profile_in_index(researcher_id=pool.unrelated.pk)
    assert services.researcher_engine() is engine
    assert "陶瓷涂层" in engine.index.get(str(pool.unrelated.pk)).keywords
    Researcher.objects.filter(pk=pool.unrelated.pk).delete()
    IndexChange.objects.create(pool="researchers", object_id=pool.unrelated.pk)
    assert str(pool.unrelated.pk) not in [p.id for p in services.researcher_engine().profiles]


def test_snapshot_on_disk_is_reopened(pool, settings, tmp_path, monkeypatch):
    settings.MATCHING_INDEX_DIR = str(tmp_path)
    services.reset_indexes()
    services.researcher_engine()
    assert (tmp_path / "researchers.json").exists()
    encoded: list[int] = []
    original = HashingEncoder.encode

    def counting(self, texts):
        encoded.append(len(texts))
        return original(self, texts)

    monkeypatch.setattr(HashingEncoder, "encode", counting)
    services.reset_indexes()
    engine = services.researcher_engine()  # a restart: opened from disk, nothing encoded
    assert encoded == []
    assert len(engine) == 5
    newcomer = researcher(name="卫新人", keywords=["隔膜"])
    assert str(newcomer.pk) in [p.id for p in services.researcher_engine().profiles]
    assert encoded == [1]  # only the new profile


def test_a_closed_demand_leaves_the_demand_pool(pool, users):
    from techbridge.demands import services as demand_services

    def recommended():
        return [
            row.demand
            for row in services.recommend_demands(researcher=pool.best, user=pool.best.user)
        ]

    assert recommended() == [pool.demand]
    demand_services.close_demand(actor=users["enterprise"], demand=pool.demand)
    assert recommended() == []
    assert str(pool.demand.pk) not in [d.id for d in services.demand_engine().demands]


def _counting_encoder(monkeypatch) -> list[int]:
    encoded: list[int] = []
    original = HashingEncoder.encode

    def counting(self, texts):
        encoded.append(len(texts))
        return original(self, texts)

    monkeypatch.setattr(HashingEncoder, "encode", counting)
    return encoded


def test_rebuild_encodes_only_rows_whose_text_changed(pool, settings, tmp_path, monkeypatch):
    from techbridge.talent.models import Researcher

    settings.MATCHING_INDEX_DIR = str(tmp_path)
    services.reset_indexes()
    before = services.researcher_engine()
    Researcher.objects.filter(pk=pool.unrelated.pk).update(keywords=["陶瓷涂层", "隔膜"])
    encoded = _counting_encoder(monkeypatch)
    services.reset_indexes()  # as in a fresh process: the vectors come from the snapshot
    rebuilt = services.rebuild_indexes()
    assert rebuilt["researchers"].size == len(before)
    assert rebuilt["researchers"].reused == len(before) - 1
    assert encoded[0] == 1  # the edited profile, nothing else of the researcher pool
    engine = services.researcher_engine()
    assert "陶瓷涂层" in engine.index.get(str(pool.unrelated.pk)).keywords
    position = engine.index.positions[str(pool.best.pk)]
    old_position = before.index.positions[str(pool.best.pk)]
    old_vector = before.index.vectors.values[old_position]
    assert (engine.index.vectors.values[position] == old_vector).all()


def test_a_snapshot_older_than_the_change_log_is_rebuilt_not_caught_up(
    pool, settings, tmp_path, monkeypatch
):
    import json
    from datetime import timedelta

    from django.utils import timezone

    from techbridge.talent.models import Researcher

    settings.MATCHING_INDEX_DIR = str(tmp_path)
    settings.MATCHING_CHANGE_LOG_DAYS = 30
    services.reset_indexes()
    services.researcher_engine()
    meta_path = tmp_path / "researchers.json"
    meta = json.loads(meta_path.read_text())
    meta["as_of"] = (timezone.now() - timedelta(days=31)).isoformat()
    meta_path.write_text(json.dumps(meta))
    # An edit whose change record was pruned: catching up from the log would miss it.
    Researcher.objects.filter(pk=pool.unrelated.pk).update(keywords=["陶瓷涂层"])
    encoded = _counting_encoder(monkeypatch)
    services.reset_indexes()
    engine = services.researcher_engine()
    assert engine.index.get(str(pool.unrelated.pk)).keywords == ("陶瓷涂层",)
    assert encoded == [1]  # rebuilt with the old snapshot's vectors for the unchanged rows
    assert json.loads(meta_path.read_text())["as_of"] > meta["as_of"]


def test_nightly_rebuild_prunes_old_changes_only(pool, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.MATCHING_CHANGE_LOG_DAYS = 30
    old = IndexChange.objects.create(pool="researchers", object_id=pool.best.pk)
    IndexChange.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    recent = IndexChange.objects.create(pool="researchers", object_id=pool.best.pk)
    sizes = tasks.nightly_rebuild()
    assert sizes["researchers"] == len(services.researcher_engine())
    assert not IndexChange.objects.filter(pk=old.pk).exists()
    assert IndexChange.objects.filter(pk=recent.pk).exists()


def test_a_process_idle_longer_than_the_change_log_rebuilds(pool, settings, monkeypatch):
    from datetime import timedelta

    from techbridge.talent.models import Researcher

    engine = services.researcher_engine()
    index = services._INDEXES[IndexChange.Pool.RESEARCHERS]
    index.as_of -= timedelta(days=settings.MATCHING_CHANGE_LOG_DAYS + 1)
    Researcher.objects.filter(pk=pool.unrelated.pk).update(keywords=["陶瓷涂层"])
    encoded = _counting_encoder(monkeypatch)
    rebuilt = services.researcher_engine()
    assert rebuilt is not engine
    assert rebuilt.index.get(str(pool.unrelated.pk)).keywords == ("陶瓷涂层",)
    assert encoded == [1]


def test_a_researcher_serving_the_demands_industry_is_lifted_and_told_why(pool):
    twin = researcher(name="钱同行", keywords=["陶瓷涂层", "锂电池"], region="110100")
    twin.industries.set([pool.demand.industry])
    services.researcher_changed(researcher_id=twin.pk)
    rows = services.rank_researchers_for_demand(demand=pool.demand, k=20)
    # Same keywords and region as 赵北京; serving the demand's industry puts them ahead.
    assert ids(rows).index(twin.pk) < ids(rows).index(pool.national.pk)
    row = next(r for r in rows if r.researcher == twin)
    assert row.reasons.values("industry") == [pool.demand.industry.name]
    assert f"服务行业“{pool.demand.industry.name}”与需求所属行业一致" in row.reasons.sentence
    other = next(r for r in rows if r.researcher == pool.national)
    assert "服务行业" not in other.reasons.sentence


def test_a_change_committed_after_a_later_one_was_read_is_not_lost(pool, monkeypatch):
    """Ids come from a sequence: a transaction can take id n, another n + 1 and commit first.
    A reader that saw n + 1 still applies n when it appears."""
    from datetime import timedelta

    from django.utils import timezone

    from techbridge.talent.models import Researcher

    engine = services.researcher_engine()
    index = services._INDEXES[IndexChange.Pool.RESEARCHERS]
    start = index.change_id
    Researcher.objects.filter(pk=pool.unrelated.pk).update(keywords=["陶瓷涂层"])
    Researcher.objects.filter(pk=pool.national.pk).update(keywords=["水稻育种"])
    # The later id commits first; the earlier one is still "in flight".
    IndexChange.objects.create(id=start + 2, pool="researchers", object_id=pool.unrelated.pk)
    services.researcher_engine()
    assert engine.index.get(str(pool.unrelated.pk)).keywords == ("陶瓷涂层",)
    assert index.change_id == start + 2 and set(index.gaps) == {start + 1}
    IndexChange.objects.create(id=start + 1, pool="researchers", object_id=pool.national.pk)
    services.researcher_engine()
    assert engine.index.get(str(pool.national.pk)).keywords == ("水稻育种",)
    assert index.gaps == {}
    # A hole that never fills (a rolled-back transaction) is given up after GAP_WAIT.
    IndexChange.objects.create(id=start + 4, pool="demands", object_id=1)
    services.researcher_engine()
    assert set(index.gaps) == {start + 3}
    later = timezone.now() + services.GAP_WAIT + timedelta(seconds=1)
    monkeypatch.setattr(services.timezone, "now", lambda: later)
    services.researcher_engine()
    assert index.gaps == {}


def test_a_build_remembers_the_holes_just_below_it(pool, settings, tmp_path):
    import json

    settings.MATCHING_INDEX_DIR = str(tmp_path)
    last = IndexChange.objects.create(pool="researchers", object_id=pool.best.pk).pk
    IndexChange.objects.create(id=last + 2, pool="researchers", object_id=pool.best.pk)
    services.reset_indexes()
    services.researcher_engine()
    index = services._INDEXES[IndexChange.Pool.RESEARCHERS]
    # (On PostgreSQL, ids that earlier rolled-back tests took are holes too.)
    holes = set(range(1, last + 2)) - set(IndexChange.objects.values_list("id", flat=True))
    assert index.change_id == last + 2 and set(index.gaps) == holes and last + 1 in holes
    # The snapshot keeps them for the next process.
    assert json.loads((tmp_path / "researchers.json").read_text())["gaps"] == sorted(holes)
    services.reset_indexes()
    services.researcher_engine()
    assert set(services._INDEXES[IndexChange.Pool.RESEARCHERS].gaps) == holes
