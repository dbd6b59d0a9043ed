"""The one module that wraps the matching engine for the platform.

It turns the talent pool into engine ``Profile`` rows and demands into ``Query`` rows, keeps one
engine per pool and process (researchers; published demands), hands the platform's hard filters
and region scope to the engine, and turns the engine's evidence into the reasons a user is shown
— never quoting a demand's protected text to someone who may not read it.

Index lifecycle. Each process opens its engine lazily on first use: from the snapshot under
``settings.MATCHING_INDEX_DIR`` when there is one (the engines' ``save``/``load``), otherwise
built from the database (and then saved). A change to a researcher, an achievement or a demand
is applied to this process's engine before its next query (``add``/``update``/``remove`` of
the engine, no rebuild) and, when the transaction commits, recorded in the database
(``IndexChange``) by a background task, so every other process applies it before its next query
too. ``techbridge recommend rebuild`` rebuilds both pools from the database, re-encoding only
the rows whose text changed since the last snapshot. Every night a background task rebuilds
them (which also re-cuts old rows with the dictionary the newer keywords taught the tokeniser)
and prunes the change log to ``MATCHING_CHANGE_LOG_DAYS``; a snapshot older than that could have
missed pruned changes, so it is rebuilt rather than caught up. Change ids come from a sequence,
and a transaction may commit id n after another committed n + 1 was read: an id skipped over is
looked for again on every catch-up for ``GAP_WAIT`` (then taken for a rollback).

Hard filters (``exclusion_reason`` is the rule; the engine applies the same rule as masks over
the index before taking the top k, and calls it back on the candidates it is about to return so
that a live figure such as remaining capacity is current): conflicts of interest (the
researcher's unit, or their account's organisation, is the demand's enterprise, or the researcher
declared a relation with it: ``talent.EnterpriseRelation``), unavailable
researchers, no remaining capacity, a research-integrity record; then the region scope
(GB/T 2260 prefixes).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from techbridge.core.errors import PermissionRefused, ValidationFailed
from techbridge.demands import selectors as demand_selectors
from techbridge.demands.models import Demand
from techbridge.matching.demands import DemandPool
from techbridge.matching.demands import demand_text as engine_demand_text
from techbridge.matching.dense import (
    Encoder,
    HashingEncoder,
    UniversalSentenceEncoder,
    encode_documents,
)
from techbridge.matching.engine import MatchingEngine, Ranker, profile_text
from techbridge.matching.explain import Evidence, collect_evidence, explanation_sentence
from techbridge.matching.filters import QueryContext, RankFilters, region_relation
from techbridge.matching.index import IndexFormatError
from techbridge.matching.model import Achievement as EngineAchievement
from techbridge.matching.model import Demand as EngineDemand
from techbridge.matching.model import Profile, Query
from techbridge.matching.model import Team as EngineTeam
from techbridge.matching.text import Tokeniser
from techbridge.recommendations import selectors
from techbridge.recommendations.models import IndexChange
from techbridge.talent.models import Achievement, EnterpriseRelation, Researcher, Team
from techbridge.talent.selectors import (
    declared_relation_kinds,
    related_researcher_ids,
    remaining_capacities,
    remaining_capacity,
)

log = logging.getLogger(__name__)

SCOPES = ("local", "province", "national")
DEFAULT_K = 20
MAX_K = 100
PUSH_COUNT = 10
ENCODE_BATCH = 256
# Snapshot again after this many changes were applied to an engine in memory.
SAVE_EVERY = 200

Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)`` for long work (the rebuild command's progress bar)."""


# --- conversion -------------------------------------------------------------------------------


def profile_for(researcher: Researcher) -> Profile:
    """A researcher as the engine sees them (disciplines, industries and achievements should be
    prefetched; ``researchers_for_index`` does)."""
    return Profile(
        id=str(researcher.pk),
        name=researcher.name,
        disciplines=tuple(d.name for d in researcher.disciplines.all()),
        keywords=tuple(k for k in researcher.keywords or [] if k),
        achievements=tuple(
            EngineAchievement(type=a.kind, title=a.title, abstract=a.abstract)
            for a in researcher.achievements.all()
        ),
        summary=researcher.summary,
        region=researcher.region_id or "",
        unit=researcher.unit.name,
        organisation=str(researcher.unit_id),
        industries=tuple(i.name for i in researcher.industries.all()),
        capacity=remaining_capacity(researcher),
        title_level=researcher.title_level,
        degree=researcher.degree,
        is_available=researcher.availability != Researcher.Availability.UNAVAILABLE,
    )


def demand_text(demand: Demand, *, details_visible: bool = True) -> str:
    """The demand's words: all of them for ranking, only the public ones for someone who may not
    read its details (title, summary, industry and fields are public; see ``demands.models``)."""
    parts = [demand.title, demand.summary]
    if details_visible:
        parts += [demand.description, demand.expected_outcome, *(demand.keywords or [])]
    parts.append(demand.industry.name)
    parts += [d.name for d in demand.disciplines.all()]
    return "；".join(p for p in parts if p)


def query_for(demand: Demand) -> Query:
    """The engine query of a demand. Protected text is included: the engine ranks with it,
    which is the point of matching confidential demands; nobody is shown it from here."""
    disciplines = [d.name for d in demand.disciplines.all()]
    return Query(
        id=str(demand.pk),
        text=demand_text(demand, details_visible=True),
        type="demand",
        region=demand.region_id,
        industry=demand.industry.name,
        discipline=disciplines[0] if disciplines else "",
    )


def demand_for_pool(demand: Demand) -> EngineDemand:
    """A published demand as a row of the demand pool (for ranking demands for a researcher);
    with its protected text, which ranks but is never shown from here."""
    return EngineDemand(
        id=str(demand.pk),
        title=demand.title,
        text="；".join(
            p for p in (demand.summary, demand.description, demand.expected_outcome) if p
        ),
        keywords=tuple(k for k in demand.keywords or [] if k),
        disciplines=tuple(d.name for d in demand.disciplines.all()),
        industries=(demand.industry.name,),
        region=demand.region_id,
        organisation=str(demand.enterprise_id),
        is_confidential=demand.confidentiality != Demand.Confidentiality.PUBLIC,
        is_open=demand.status == Demand.Status.PUBLISHED,
    )


def researchers_for_index() -> QuerySet[Researcher]:
    return (
        Researcher.objects.order_by("pk")
        .select_related("unit")
        .prefetch_related(
            "disciplines",
            "industries",
            Prefetch("achievements", Achievement.objects.order_by("id")),
        )
    )


def demands_for_index() -> QuerySet[Demand]:
    return (
        Demand.objects.filter(status=Demand.Status.PUBLISHED)
        .select_related("industry", "enterprise")
        .prefetch_related("disciplines")
        .order_by("pk")
    )


# --- the engines ------------------------------------------------------------------------------


ENCODERS: dict[str, tuple[str, Callable[[], Encoder]]] = {
    "hashing": ("hashing-256", lambda: HashingEncoder(Tokeniser())),
    "use": ("use-m3-fast", UniversalSentenceEncoder),
}


def _encoder_name() -> str:
    name = settings.MATCHING_ENCODER
    if name not in ENCODERS:
        raise ValueError(f"MATCHING_ENCODER must be 'use' or 'hashing', not {name!r}")
    return ENCODERS[name][0]


def _encoder() -> tuple[str, Encoder]:
    _encoder_name()  # refuses an unknown setting with a clear message
    name, make = ENCODERS[settings.MATCHING_ENCODER]
    return name, make()


def _no_progress(step: str, done: int, total: int) -> None:
    return None


# A change id below the last one read but not visible yet (its transaction had taken the id and
# not committed; or it rolled back) is looked for again on every catch-up for this long.
GAP_WAIT = timedelta(minutes=10)
# How far below the last change id a build looks for such ids.
GAP_WINDOW = 1000


def _latest_change() -> int:
    """The last change id of either pool (they share one sequence, so gaps are seen whole)."""
    return IndexChange.objects.aggregate(last=Max("id"))["last"] or 0


def _missing_ids(low: int, high: int, seen: Iterable[int]) -> set[int]:
    """Ids in (low, high] not among ``seen``."""
    return set(range(low + 1, high + 1)) - set(seen)


@dataclass(frozen=True)
class _Kind:
    """How one pool's engine is made, reopened and changed (researchers: MatchingEngine over
    profiles; demands: the engine's DemandPool)."""

    make: Callable[[list[Any], Encoder, Any], Ranker]
    load: Callable[[Path, Encoder], Ranker]
    text: Callable[[Any], str]
    update: Callable[[Any, Any, Any], None]  # (engine, row, vector)
    remove: Callable[[Any, str], None]  # (engine, id)


PROFILES = _Kind(
    make=lambda rows, encoder, vectors: MatchingEngine(rows, encoder=encoder, vectors=vectors),
    load=lambda directory, encoder: MatchingEngine.load(directory, encoder=encoder),
    text=profile_text,
    update=lambda engine, row, vector: engine.update_profile(row, vector=vector),
    remove=lambda engine, row_id: engine.remove_profile(row_id),
)
DEMANDS = _Kind(
    make=lambda rows, encoder, vectors: DemandPool(rows, encoder=encoder, vectors=vectors),
    load=lambda directory, encoder: DemandPool.load(directory, encoder=encoder),
    text=engine_demand_text,
    update=lambda engine, row, vector: engine.update_demand(row, vector=vector),
    remove=lambda engine, row_id: engine.remove_demand(row_id),
)


@dataclass
class _PoolIndex:
    """This process's engine over one pool, opened lazily and kept in step with changes."""

    pool: str
    kind: _Kind
    # The pool's rows for the engine: all of them (ids None) or those among ``ids`` still in it.
    rows: Callable[[Iterable[int] | None], dict[int, Any]]
    engine: Any = None
    encoder_name: str = ""
    change_id: int = 0  # the last IndexChange applied
    pending: set[int] = field(default_factory=set)  # changed here, not applied yet
    reused: int = 0  # vectors the last build copied instead of encoding
    unsaved: int = 0
    # When ``change_id`` was read: every later change is in the log unless it was pruned.
    as_of: Any = None
    # A snapshot too old to catch up: its vectors still serve the rebuild.
    _stale: Any = None
    # Change ids skipped over (not visible when a later one was read) → when first missed.
    gaps: dict[int, Any] = field(default_factory=dict)
    lock: threading.RLock = field(default_factory=threading.RLock)

    def mark(self, object_id: int) -> None:
        with self.lock:
            self.pending.add(object_id)

    def reset(self) -> None:
        with self.lock:
            self.engine, self.change_id, self.unsaved = None, 0, 0
            self.as_of = self._stale = None
            self.pending.clear()
            self.gaps.clear()

    def get(self, *, progress: Progress | None = None) -> Any:
        with self.lock:
            if self.engine is None or _encoder_name() != self.encoder_name:
                encoder_name, encoder = _encoder()
                if not self._load(encoder_name, encoder):
                    self._build(encoder_name, encoder, progress)
            elif self.as_of is None or self.as_of < change_log_horizon():
                # Idle longer than the change log is kept: changes may be gone from it.
                self._build(self.encoder_name, self.engine.encoder, progress)
            self._catch_up()
            assert self.engine is not None
            return self.engine

    def rebuild(self, *, progress: Progress | None = None) -> Any:
        with self.lock:
            self._build(*_encoder(), progress)
            assert self.engine is not None
            return self.engine

    # -- on disk ---------------------------------------------------------------------------

    def _directory(self) -> Path | None:
        directory = settings.MATCHING_INDEX_DIR
        return Path(directory) / self.pool if directory else None

    def _snapshot(self, encoder_name: str, encoder: Encoder) -> tuple[Any, dict[str, Any]] | None:
        """The saved engine and its meta, when there is a readable one for this encoder."""
        directory = self._directory()
        meta_path = directory.with_suffix(".json") if directory else None
        if directory is None or meta_path is None or not meta_path.exists():
            return None
        try:
            meta = json.loads(meta_path.read_text())
            if meta.get("encoder") != encoder_name:
                return None
            int(meta["change_id"])
            return self.kind.load(directory, encoder), meta
        except (OSError, ValueError, KeyError, TypeError, IndexFormatError):
            log.warning("Ignoring the unreadable matching snapshot %s", directory)
            return None

    def _load(self, encoder_name: str, encoder: Encoder) -> bool:
        snapshot = self._snapshot(encoder_name, encoder)
        if snapshot is None:
            return False
        engine, meta = snapshot
        as_of = parse_datetime(str(meta.get("as_of") or ""))
        if as_of is None or as_of < change_log_horizon():
            # Changes after it may have been pruned from the log: rebuild (reusing its vectors).
            self._stale = engine
            return False
        self.engine = engine
        self.encoder_name, self.change_id, self.unsaved = encoder_name, int(meta["change_id"]), 0
        self.as_of = as_of
        self.gaps = dict.fromkeys((int(i) for i in meta.get("gaps", ())), timezone.now())
        return True

    def _save(self) -> None:
        directory = self._directory()
        if directory is None or self.engine is None:
            return
        directory.parent.mkdir(parents=True, exist_ok=True)
        self.engine.save(directory)
        meta = {
            "encoder": self.encoder_name,
            "change_id": self.change_id,
            "as_of": self.as_of.isoformat(),
            "gaps": sorted(self.gaps),
        }
        meta_path = directory.with_suffix(".json")
        temporary = meta_path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(meta))
        temporary.replace(meta_path)
        self.unsaved = 0

    # -- building and catching up ------------------------------------------------------------

    def _build(self, encoder_name: str, encoder: Encoder, progress: Progress | None) -> None:
        say = progress or _no_progress
        previous = self._previous_engine(encoder_name, encoder)
        # Read before the rows: a change recorded meanwhile is applied again, never missed.
        as_of, change_id = timezone.now(), _latest_change()
        low = max(0, change_id - GAP_WINDOW)
        present = IndexChange.objects.filter(id__gt=low, id__lte=change_id).values_list(
            "id", flat=True
        )
        self.gaps = dict.fromkeys(_missing_ids(low, change_id, present), as_of)
        self.pending.clear()
        say("load", 0, 1)
        rows = list(self.rows(None).values())
        say("load", 1, 1)
        vectors, self.reused = _encode_reusing(
            encoder, [self.kind.text(row) for row in rows], rows, previous, self.kind, say
        )
        say("index", 0, 1)
        self.engine = self.kind.make(rows, encoder, vectors)
        say("index", 1, 1)
        self.encoder_name, self.change_id, self.as_of = encoder_name, change_id, as_of
        self._stale = None
        self._save()

    def _previous_engine(self, encoder_name: str, encoder: Encoder) -> Any:
        """An engine whose vectors a rebuild may reuse: this process's, the stale snapshot's or
        the saved one's, when it was encoded by the same encoder."""
        if self.engine is not None and self.encoder_name == encoder_name:
            return self.engine
        if self._stale is not None:
            return self._stale
        snapshot = self._snapshot(encoder_name, encoder)
        return snapshot[0] if snapshot is not None else None

    def _catch_up(self) -> None:
        assert self.engine is not None
        changed = set(self.pending)
        now = timezone.now()
        self.as_of = now
        # Both pools' rows, so that an id missing between two read ones is a gap of the sequence.
        rows = IndexChange.objects.filter(Q(id__gt=self.change_id) | Q(id__in=list(self.gaps)))
        seen = []
        for change_id, pool, object_id in rows.values_list("id", "pool", "object_id"):
            if pool == self.pool:
                changed.add(object_id)
            seen.append(change_id)
            self.gaps.pop(change_id, None)
        last = max([self.change_id, *seen])
        for missing in _missing_ids(self.change_id, last, seen):
            self.gaps[missing] = now
        self.gaps = {i: when for i, when in self.gaps.items() if now - when < GAP_WAIT}
        self.change_id = last
        if not changed:
            return
        self.pending.clear()
        current = self.rows(changed)
        updated = [current[i] for i in sorted(changed) if i in current]
        texts = [self.kind.text(row) for row in updated]
        vectors = _encode(self.engine.encoder, texts, _no_progress)
        for row, vector in zip(updated, vectors, strict=True):
            self.kind.update(self.engine, row, vector)
        for object_id in sorted(changed - current.keys()):
            self.kind.remove(self.engine, str(object_id))
        self.unsaved += len(changed)
        if self.unsaved >= SAVE_EVERY:
            self._save()


def _encode_reusing(
    encoder: Encoder,
    texts: Sequence[str],
    rows: Sequence[Any],
    previous: Any,
    kind: _Kind,
    say: Progress,
) -> tuple[Any, int]:
    """Vectors of ``rows``: copied from ``previous`` (an engine of the same encoder) where a
    row's text is unchanged, encoded otherwise; returns them and how many were reused."""
    import numpy as np

    vectors = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    missing = list(range(len(texts)))
    if previous is not None:
        index, missing = previous.index, []
        stored = index.vectors.values
        for position, (row, text) in enumerate(zip(rows, texts, strict=True)):
            old = index.positions.get(row.id)
            if old is not None and kind.text(index.items[old]) == text:
                vectors[position] = stored[old]
            else:
                missing.append(position)
    if missing:
        vectors[missing] = _encode(encoder, [texts[i] for i in missing], say)
    return vectors, len(texts) - len(missing)


def _encode(encoder: Encoder, texts: Sequence[str], say: Progress) -> Any:
    import numpy as np

    vectors = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    say("encode", 0, len(texts))
    for start in range(0, len(texts), ENCODE_BATCH):
        batch = texts[start : start + ENCODE_BATCH]
        vectors[start : start + len(batch)] = encode_documents(encoder, list(batch))
        say("encode", start + len(batch), len(texts))
    return vectors


def _researcher_rows(ids: Iterable[int] | None) -> dict[int, Profile]:
    rows = researchers_for_index()
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return {r.pk: profile_for(r) for r in rows}


def _demand_rows(ids: Iterable[int] | None) -> dict[int, EngineDemand]:
    rows = demands_for_index()
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return {d.pk: demand_for_pool(d) for d in rows}


_INDEXES: dict[str, _PoolIndex] = {
    IndexChange.Pool.RESEARCHERS: _PoolIndex(
        IndexChange.Pool.RESEARCHERS, PROFILES, _researcher_rows
    ),
    IndexChange.Pool.DEMANDS: _PoolIndex(IndexChange.Pool.DEMANDS, DEMANDS, _demand_rows),
}


def researcher_engine() -> MatchingEngine:
    engine: MatchingEngine = _INDEXES[IndexChange.Pool.RESEARCHERS].get()
    return engine


def demand_engine() -> DemandPool:
    return _INDEXES[IndexChange.Pool.DEMANDS].get()


def reset_indexes() -> None:
    """Forget this process's engines (tests; after a restore of the database)."""
    for index in _INDEXES.values():
        index.reset()


@dataclass(frozen=True)
class RebuiltPool:
    size: int
    reused: int  # vectors copied from the previous engine (text unchanged), not encoded


def rebuild_indexes(*, progress: Progress | None = None) -> dict[str, RebuiltPool]:
    """Rebuild both engines from the database and save their snapshots (the ``techbridge
    recommend rebuild`` command and the nightly task), encoding only rows whose text changed.
    Other processes keep applying changes to theirs and open the new snapshot when they
    restart."""
    say = progress or _no_progress
    rebuilt = {}
    for pool, index in _INDEXES.items():

        def report(step: str, done: int, total: int, pool: str = pool) -> None:
            say(f"{pool}: {step}", done, total)

        size = len(index.rebuild(progress=report))
        rebuilt[str(pool)] = RebuiltPool(size=size, reused=index.reused)
    return rebuilt


def change_log_horizon() -> Any:
    """Changes recorded before this may have been pruned from the log."""
    return timezone.now() - timedelta(days=settings.MATCHING_CHANGE_LOG_DAYS)


def prune_change_log() -> int:
    """Delete the index changes older than ``MATCHING_CHANGE_LOG_DAYS``; returns how many."""
    deleted, _details = IndexChange.objects.filter(created_at__lt=change_log_horizon()).delete()
    return deleted


def nightly_rebuild() -> dict[str, RebuiltPool]:
    """Rebuild both snapshots, then prune the change log they no longer need."""
    rebuilt = rebuild_indexes()
    pruned = prune_change_log()
    log.info("Matching indexes rebuilt %s; %d old index changes pruned", rebuilt, pruned)
    return rebuilt


# --- keeping the indexes in step --------------------------------------------------------------


class _Batch:
    """The changes of one transaction, handed to the background once when it commits."""

    def __init__(self) -> None:
        self.researchers: set[int] = set()
        self.demands: set[int] = set()


_batches: dict[int, tuple[Any, _Batch]] = {}
_batches_lock = threading.Lock()


def _batch() -> _Batch | None:
    """The open transaction's batch (None outside a transaction: then act at once)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return None
    outer = connection.atomic_blocks[0]
    with _batches_lock:
        held = _batches.get(id(outer))
        if held is not None and held[0] is outer:
            return held[1]
        batch = _Batch()
        # Holding ``outer`` keeps its id from being reused while the batch waits.
        _batches[id(outer)] = (outer, batch)

    def flush() -> None:
        with _batches_lock:
            _batches.pop(id(outer), None)
        _enqueue(batch)

    transaction.on_commit(flush)
    return batch


def _enqueue(batch: _Batch) -> None:
    from techbridge.recommendations import tasks
    from techbridge.tasks import run_task

    for researcher_id in sorted(batch.researchers):
        run_task(tasks.update_profile_in_index, researcher_id=researcher_id)
    for demand_id in sorted(batch.demands):
        run_task(tasks.update_demand_in_index, demand_id=demand_id)


def _changed(pool: str, object_id: int) -> None:
    _INDEXES[pool].mark(object_id)
    batch = _batch()
    if batch is None:
        batch = _Batch()
        (batch.researchers if pool == IndexChange.Pool.RESEARCHERS else batch.demands).add(
            object_id
        )
        _enqueue(batch)
        return
    (batch.researchers if pool == IndexChange.Pool.RESEARCHERS else batch.demands).add(object_id)


def researcher_changed(*, researcher_id: int) -> None:
    """A profile (or one of its achievements) was saved or deleted: this process's engine
    applies it before its next query; the others learn of it when the transaction commits."""
    panel_inputs_changed()
    _changed(IndexChange.Pool.RESEARCHERS, researcher_id)


def demand_changed(*, demand_id: int) -> None:
    """A demand was saved or deleted (only published ones are in the pool, but one that stops
    being published must leave it, so every change counts)."""
    panel_inputs_changed()
    _changed(IndexChange.Pool.DEMANDS, demand_id)


def _record(pool: str, object_id: int) -> None:
    IndexChange.objects.create(pool=pool, object_id=object_id)
    _INDEXES[pool].mark(object_id)


def update_profile_in_index(*, researcher_id: int) -> None:
    """The task behind a profile change: every process updates (or, when the profile is gone,
    removes) it in its engine before its next query. Idempotent."""
    _record(IndexChange.Pool.RESEARCHERS, researcher_id)


def remove_profile_from_index(*, researcher_id: int) -> None:
    _record(IndexChange.Pool.RESEARCHERS, researcher_id)


def update_demand_in_index(*, demand_id: int) -> None:
    _record(IndexChange.Pool.DEMANDS, demand_id)


# --- reasons ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence, for a chip on the page or a field in the API."""

    kind: str  # term, keyword, achievement, discipline, industry, region, member
    label: str
    value: str


@dataclass(frozen=True)
class Reasons:
    """Why something was recommended: a plain Chinese sentence (from the engine) and the
    evidence it rests on."""

    sentence: str
    items: tuple[EvidenceItem, ...] = ()

    def values(self, kind: str) -> list[str]:
        return [item.value for item in self.items if item.kind == kind]


def _region_label(relation: str) -> str:
    return {
        "city": _("Same city"),
        "province": _("Same province"),
        "other": _("Another province"),
    }.get(relation, "")


def _reasons(
    evidence: Evidence,
    *,
    disciplines: Iterable[str] = (),
    industries: Iterable[str] = (),
    sentence: str | None = None,
) -> Reasons:
    items = [EvidenceItem("keyword", _("Matching keyword"), k) for k in evidence.matched_keywords]
    items += [
        EvidenceItem("term", _("Shared term"), t)
        for t in evidence.shared_terms
        if t not in evidence.matched_keywords
    ]
    if evidence.matched_achievement is not None:
        achievement = evidence.matched_achievement
        label = dict(Achievement.Kind.choices).get(achievement.type, _("Achievement"))
        items.append(EvidenceItem("achievement", str(label), achievement.title))
    items += [EvidenceItem("discipline", _("Same field"), d) for d in disciplines]
    items += [EvidenceItem("industry", _("Same industry"), i) for i in industries]
    if _region_label(evidence.region_relation):
        items.append(EvidenceItem("region", _("Region"), _region_label(evidence.region_relation)))
    return Reasons(
        sentence=explanation_sentence(evidence) if sentence is None else sentence,
        items=tuple(items),
    )


def _shared(first: Iterable[str], second: Iterable[str]) -> list[str]:
    wanted = set(second)
    return [name for name in first if name in wanted]


def _visible_reasons(
    engine: Ranker, profile: Profile, demand: Demand, *, viewer: Any
) -> tuple[bool, Reasons]:
    """Reasons between a researcher's profile and the part of a demand ``viewer`` may read:
    terms that occur only in protected text never reach someone who may not see it."""
    details_visible = demand_selectors.can_see_details(viewer, demand)
    text = demand_text(demand, details_visible=details_visible)
    terms = list(dict.fromkeys(engine.tokeniser.tokenise(text)))
    evidence = collect_evidence(
        profile,
        terms,
        engine.tokeniser,
        # The demand states its industry (public): the sentence names it when the researcher
        # serves it.
        predicted_industries={demand.industry.name: 1.0},
        region_relation=region_relation(demand.region_id, profile.region),
    )
    reasons = _reasons(
        evidence,
        disciplines=_shared(profile.disciplines, [d.name for d in demand.disciplines.all()]),
        industries=_shared(profile.industries, [demand.industry.name]),
    )
    return details_visible, reasons


# --- researchers for a demand -----------------------------------------------------------------


@dataclass(frozen=True)
class ResearcherRecommendation:
    researcher: Researcher
    score: float
    reasons: Reasons
    region_relation: str  # city, province, other (see matching.filters.region_relation)
    is_invited: bool = False


def exclusion_reason(
    researcher: Researcher, demand: Demand, *, capacity: int | None = None
) -> str | None:
    """Why ``researcher`` may not be recommended for ``demand`` (None: they may). ``capacity``:
    their ``remaining_capacity`` when the caller read it for many researchers at once."""
    if researcher.unit_id == demand.enterprise_id or (
        researcher.user is not None and researcher.user.organisation_id == demand.enterprise_id
    ):
        return _("Conflict of interest: the researcher belongs to the demand's enterprise.")
    # One query per demand: the enterprise's declared relations are kept on ``demand.enterprise``.
    if kinds := declared_relation_kinds(demand.enterprise, researcher.pk):
        return _(
            "Conflict of interest: the researcher declared a relation with the demand's "
            "enterprise (%(kinds)s)."
        ) % {"kinds": ", ".join(str(EnterpriseRelation.Kind(kind).label) for kind in kinds)}
    if researcher.availability == Researcher.Availability.UNAVAILABLE:
        return _("The researcher is not available.")
    if (remaining_capacity(researcher) if capacity is None else capacity) <= 0:
        return _("The researcher has no capacity left.")
    if researcher.has_integrity_record:
        return _("The researcher has a research-integrity record.")
    return None


def _check_scope(scope: str) -> str:
    if scope not in SCOPES:
        raise ValidationFailed(
            _("Unknown scope; use one of: %(scopes)s.") % {"scopes": ", ".join(SCOPES)},
            field="scope",
        )
    return scope


def _clean_k(k: int) -> int:
    if not 1 <= k <= MAX_K:
        raise ValidationFailed(
            _("Ask for between 1 and %(max)d recommendations.") % {"max": MAX_K}, field="k"
        )
    return k


class _Candidates:
    """The engine's filters for one demand, and the researcher rows it checked (each one once:
    the researchers and the teams of one panel share them)."""

    def __init__(self, demand: Demand, scope: str) -> None:
        self.demand = demand
        self.rows: dict[int, Researcher] = {}
        self.checked: dict[int, bool] = {}
        researchers = Researcher.objects.all()
        # Cheap to list (few rows), and turned into masks by the engine.
        ineligible = researchers.filter(has_integrity_record=True).values_list("pk", flat=True)
        conflicts = researchers.filter(user__organisation_id=demand.enterprise_id).values_list(
            "pk", flat=True
        )
        self.filters = RankFilters(
            ineligible_ids=frozenset(str(pk) for pk in ineligible),
            excluded_ids=frozenset(
                str(pk) for pk in (*conflicts, *related_researcher_ids(demand.enterprise))
            ),
            is_eligible=self.is_eligible,
            region_scope=_check_scope(scope),
        )
        self.context = QueryContext(organisation=str(demand.enterprise_id), region=demand.region_id)

    def is_eligible(self, profile: Profile) -> bool:
        """The rule itself, on the current row: the index may lag a figure such as capacity."""
        researcher_id = int(profile.id)
        if researcher_id not in self.checked:
            self.check([researcher_id])
        return self.checked[researcher_id]

    def check(self, researcher_ids: Iterable[int]) -> None:
        """Apply the rule to the researchers not checked yet, with three queries in all (the
        members of every team are checked at once, not two queries each)."""
        wanted = {pk for pk in researcher_ids if pk not in self.checked}
        if not wanted:
            return
        researchers = list(
            Researcher.objects.select_related("unit", "region__parent", "user").filter(
                pk__in=wanted
            )
        )
        capacities = remaining_capacities(researchers)
        for researcher in researchers:
            reason = exclusion_reason(researcher, self.demand, capacity=capacities[researcher.pk])
            self.checked[researcher.pk] = reason is None
            if reason is None:
                self.rows[researcher.pk] = researcher
        for missing in wanted - self.checked.keys():
            self.checked[missing] = False


def rank_researchers_for_demand(
    *, demand: Demand, scope: str = "national", k: int = DEFAULT_K
) -> list[ResearcherRecommendation]:
    """Researchers for a demand, filtered and scoped, with full reasons. No permission check:
    for trusted callers (the push on publication, the command line); pages and the API call
    ``recommend_researchers``."""
    return _rank_researchers(demand, _clean_k(k), _Candidates(demand, scope))


def _rank_researchers(
    demand: Demand, k: int, candidates: _Candidates
) -> list[ResearcherRecommendation]:
    matches = researcher_engine().rank(
        query_for(demand), k=k, filters=candidates.filters, context=candidates.context
    )
    return _researcher_rows_for(demand, matches, candidates)


def _researcher_rows_for(
    demand: Demand, matches: Iterable[Any], candidates: _Candidates
) -> list[ResearcherRecommendation]:
    demand_disciplines = [d.name for d in demand.disciplines.all()]
    invited = set(demand.accesses.values_list("researcher_id", flat=True))
    result = []
    for match in matches:
        researcher = candidates.rows.get(int(match.profile.id))
        if researcher is None:
            continue
        evidence = match.evidence or Evidence()
        reasons = _reasons(
            evidence,
            disciplines=_shared(match.profile.disciplines, demand_disciplines),
            industries=_shared(match.profile.industries, [demand.industry.name]),
            sentence=match.explanation,
        )
        result.append(
            ResearcherRecommendation(
                researcher=researcher,
                score=round(float(match.score), 4),
                reasons=reasons,
                region_relation=evidence.region_relation,
                is_invited=researcher.pk in invited,
            )
        )
    return result


def _check_demand_viewer(user: Any, demand: Demand) -> None:
    if not selectors.can_see_researcher_recommendations(user, demand):
        raise PermissionRefused(_("You may not see the recommendations for this demand."))


def recommend_researchers(
    *, demand: Demand, user: Any, scope: str = "national", k: int = DEFAULT_K
) -> list[ResearcherRecommendation]:
    """The researchers recommended for ``demand``, for a user who may act on them (see
    ``selectors.can_see_researcher_recommendations``)."""
    _check_demand_viewer(user, demand)
    return rank_researchers_for_demand(demand=demand, scope=scope, k=k)


@dataclass(frozen=True)
class TeamRecommendation:
    team: Team
    score: float
    members: tuple[ResearcherRecommendation, ...]
    reasons: Reasons


def recommend_teams(
    *, demand: Demand, user: Any, scope: str = "national", k: int = 5
) -> list[TeamRecommendation]:
    """Teams ranked by the engine from their eligible members' evidence: the best member's
    score plus how much of the demand the members cover together."""
    _check_demand_viewer(user, demand)
    return _rank_teams(demand, _clean_k(k), _Candidates(demand, scope))


def _rank_teams(demand: Demand, k: int, candidates: _Candidates) -> list[TeamRecommendation]:
    teams = {
        team.pk: team
        for team in Team.objects.exclude(unit_id=demand.enterprise_id)
        .select_related("unit")
        .prefetch_related("members")
    }
    engine_teams = [
        EngineTeam(
            id=str(team.pk),
            name=team.name,
            member_ids=tuple(str(m.pk) for m in team.members.all()),
        )
        for team in teams.values()
    ]
    if not engine_teams:
        return []
    candidates.check(int(pk) for team in engine_teams for pk in team.member_ids)
    engine = researcher_engine()
    ranked = engine.rank_teams(
        query_for(demand),
        engine_teams,
        k=k,
        filters=candidates.filters,
        context=candidates.context,
    )
    result = []
    for team_match in ranked:
        members = tuple(_researcher_rows_for(demand, team_match.members, candidates))
        items = [EvidenceItem("member", _("Matching member"), m.researcher.name) for m in members]
        items += [EvidenceItem("term", _("Covered term"), t) for t in team_match.covered_terms]
        result.append(
            TeamRecommendation(
                team=teams[int(team_match.team.id)],
                score=round(float(team_match.score), 4),
                members=members,
                reasons=Reasons(sentence=team_match.explanation, items=tuple(items)),
            )
        )
    return result


# --- the demand page's panel, cached ----------------------------------------------------------

PANEL_TEAMS = 5
_PANEL_VERSION = "recommendations:panel-version"


@dataclass(frozen=True)
class DemandPanel:
    """What the panel on a demand's page shows: researchers and teams for one region scope."""

    researchers: list[ResearcherRecommendation]
    teams: list[TeamRecommendation]


def demand_panel(*, demand: Demand, user: Any, scope: str = "national", k: int = 10) -> DemandPanel:
    """The researchers and teams recommended for ``demand``, for a user who may act on them.

    Ranking, the hard filters and the reasons take up to two seconds, so the answer is cached.
    It does not depend on the viewer beyond the permission checked here, on every call: everyone
    who may see these recommendations may read the demand's details (owners and the region's
    administrators, ``demands.selectors.can_see_details``), and the reasons name nothing
    confidential of a researcher. The key holds what the answer depends on all the same: the
    demand and its last edit, scope, k, the language of the reasons, whether the viewer may read
    the details, the index change log's last id (changes made by any process) and the panel
    version, which ``panel_inputs_changed`` bumps on every change to a profile, a demand, a
    declared relation, an invitation, a team, an account or a dispatch (capacity)."""
    _check_demand_viewer(user, demand)
    k = _clean_k(k)
    _check_scope(scope)
    key = ":".join(
        str(part)
        for part in (
            "recommendations:panel",
            _panel_version(),
            _latest_change(),
            demand.pk,
            demand.updated_at.timestamp() if demand.updated_at else "",
            scope,
            k,
            get_language() or "",
            int(demand_selectors.can_see_details(user, demand)),
        )
    )
    panel: DemandPanel | None = cache.get(key)
    if panel is None:
        candidates = _Candidates(demand, scope)
        panel = DemandPanel(
            researchers=_rank_researchers(demand, k, candidates),
            teams=_rank_teams(demand, PANEL_TEAMS, candidates),
        )
        cache.set(key, panel, settings.RECOMMENDATION_PANEL_CACHE_SECONDS)
    return panel


def _panel_version() -> int:
    version = cache.get(_PANEL_VERSION)
    if version is None:
        # A fresh start (first use, eviction, restart of the cache) never reuses an old number.
        cache.add(_PANEL_VERSION, time.time_ns(), None)
        version = cache.get(_PANEL_VERSION)
    return int(version or 0)


def _bump_panel_version() -> None:
    try:
        cache.incr(_PANEL_VERSION)
    except ValueError:  # not there: any new number is new
        cache.add(_PANEL_VERSION, time.time_ns(), None)


def panel_inputs_changed() -> None:
    """Something the demand panels depend on changed: they are recomputed on their next view.
    Bumped at once (this process's next read) and again at commit, so that a panel computed by
    another request between the two, from the data before the commit, is not kept."""
    _bump_panel_version()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_bump_panel_version)


# --- demands for a researcher -----------------------------------------------------------------


@dataclass(frozen=True)
class DemandRecommendation:
    demand: Demand
    fields: dict[str, Any]  # demands.selectors.mask for the viewer
    score: float
    reasons: Reasons


def recommend_demands(
    *, researcher: Researcher, user: Any, k: int = DEFAULT_K
) -> list[DemandRecommendation]:
    """Published demands for ``researcher``, as ``user`` may see them: masked fields, and reasons
    built only from the text ``user`` may read."""
    if not selectors.can_see_recommended_demands(user, researcher):
        raise PermissionRefused(_("You may not see the demands recommended for this researcher."))
    k = _clean_k(k)
    researcher = researchers_for_index().select_related("region", "user").get(pk=researcher.pk)
    profile = profile_for(researcher)
    visible = demand_selectors.demands_visible_to(user).filter(status=Demand.Status.PUBLISHED)
    found: dict[int, Demand] = {}

    def is_eligible(candidate: EngineDemand) -> bool:
        demand = visible.prefetch_related("disciplines").filter(pk=int(candidate.id)).first()
        if demand is not None:
            found[demand.pk] = demand
        return demand is not None

    engine = demand_engine()
    # The conflict of interest (a demand of the researcher's own unit) and the region come from
    # the profile; closed demands count as unavailable; the demands of an enterprise the
    # researcher declared a relation with are conflicts too.
    related = EnterpriseRelation.objects.filter(researcher=researcher).values_list(
        "enterprise_id", flat=True
    )
    conflicted = Demand.objects.filter(enterprise_id__in=related).values_list("pk", flat=True)
    matches = engine.rank_demands(
        profile,
        k=k,
        filters=RankFilters(
            require_capacity=False,
            is_eligible=is_eligible,
            excluded_ids=frozenset(str(pk) for pk in conflicted),
        ),
    )
    result = []
    for match in matches:
        # The engine's own evidence stays silent on every confidential demand; the platform
        # knows who may read what, so the reasons are rebuilt from the text this viewer may read.
        demand = found[int(match.demand_id)]
        details_visible, reasons = _visible_reasons(engine, profile, demand, viewer=user)
        result.append(
            DemandRecommendation(
                demand=demand,
                fields=demand_selectors.mask(demand, details_visible=details_visible),
                score=round(float(match.score), 4),
                reasons=reasons,
            )
        )
    return result


# --- the push on publication ------------------------------------------------------------------


def push_demand_to_researchers(*, demand_id: int, count: int = PUSH_COUNT) -> int:
    """Notify the top researchers (national scope) who have an account of a newly published
    demand: in the app, and in their daily e-mail digest unless they opted out. Idempotent: a
    researcher is told about a demand once. Returns the number notified."""
    from techbridge.notifications import selectors as notification_selectors
    from techbridge.notifications import services as notifications
    from techbridge.notifications.models import Notification

    demand = (
        Demand.objects.select_related("industry", "region", "enterprise")
        .prefetch_related("disciplines")
        .filter(pk=demand_id, status=Demand.Status.PUBLISHED)
        .first()
    )
    if demand is None:
        return 0
    rows = rank_researchers_for_demand(demand=demand, scope="national", k=count)
    target_type, target_id = notification_selectors.target_key(demand)
    told = set(
        Notification.objects.filter(
            kind=Notification.Kind.DEMAND_MATCH, target_type=target_type, target_id=target_id
        ).values_list("recipient_id", flat=True)
    )
    url = reverse("demands:detail", args=[demand.pk])
    engine = researcher_engine()
    profiles = _researcher_rows([row.researcher.pk for row in rows])
    notified = 0
    for row in rows:
        account = row.researcher.user
        if account is None or not account.is_active or account.pk in told:
            continue
        # The researcher may not read the details yet: the reason quotes what they may read.
        _visible, reasons = _visible_reasons(
            engine, profiles[row.researcher.pk], demand, viewer=account
        )
        notifications.notify(
            recipient=account,
            kind=Notification.Kind.DEMAND_MATCH,
            title=_("A new demand matches your profile: %(title)s") % {"title": demand.title},
            body=reasons.sentence,
            url=url,
            target=demand,
            email="digest",
        )
        notified += 1
    return notified


def demand_published(*, demand: Demand) -> None:
    """Called when a demand becomes published: push it once the publication is committed."""
    from techbridge.recommendations import tasks
    from techbridge.tasks import run_task

    demand_id = demand.pk
    transaction.on_commit(lambda: run_task(tasks.push_demand, demand_id=demand_id))


def demand_for_operator(*, demand_id: int) -> Demand | None:
    """A demand for the command line, which runs as the operator of the platform."""
    return (
        Demand.objects.select_related("industry", "region", "enterprise")
        .prefetch_related("disciplines")
        .filter(pk=demand_id)
        .first()
    )


# --- given researchers for a demand (the two-way selection of a dispatch round) ----------------


class _Chosen(_Candidates):
    """Only the given researchers, and none of the hard filters: they applied themselves and
    their unit approved them, so a conflict or a full capacity is not for the engine to judge."""

    def __init__(self, demand: Demand, researchers: Iterable[Researcher]) -> None:
        self.demand = demand
        self.rows = {}
        self.wanted = {str(r.pk): r for r in researchers}
        self.filters = RankFilters(
            exclude_unavailable=False,
            require_capacity=False,
            exclude_same_organisation=False,
            is_eligible=self.is_eligible,
        )
        self.context = QueryContext(organisation=str(demand.enterprise_id), region=demand.region_id)

    def is_eligible(self, profile: Profile) -> bool:
        researcher = self.wanted.get(profile.id)
        if researcher is None:
            return False
        self.rows[researcher.pk] = researcher
        return True


def score_researchers_for_demand(
    *, demand: Demand, researchers: Iterable[Researcher]
) -> list[ResearcherRecommendation]:
    """The engine's score and reasons of exactly ``researchers`` for ``demand``, best first.

    For the dispatch selection, which offers the engine's order of an enterprise's applicants as
    its starting ranking. No permission check (the caller checks its own). Above the engine's
    ``full_scoring_limit`` only its candidates are scored; an applicant it did not reach is
    missing from the list, and the caller puts such researchers last."""
    chosen = _Chosen(demand, researchers)
    if not chosen.wanted:
        return []
    matches = researcher_engine().rank(
        query_for(demand), k=len(chosen.wanted), filters=chosen.filters, context=chosen.context
    )
    return _researcher_rows_for(demand, matches, chosen)


def explain_demand_for_researcher(
    *, demand: Demand, researcher: Researcher, viewer: Any
) -> Reasons:
    """Why ``demand`` suits ``researcher``, built only from the text ``viewer`` may read."""
    researcher = researchers_for_index().select_related("region", "user").get(pk=researcher.pk)
    _visible, reasons = _visible_reasons(
        researcher_engine(), profile_for(researcher), demand, viewer=viewer
    )
    return reasons
