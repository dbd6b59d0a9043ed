"""The one module that wraps the matching engine for the platform.

It turns the talent pool into engine ``Profile`` rows and demands into ``Query`` rows, keeps one
engine per pool and process (researchers; published demands), applies the platform's hard
filters and region scope to what the engine ranks, and turns the engine's evidence into the
reasons a user is shown — never quoting a demand's protected text to someone who may not read it.

Index lifecycle. Each process builds its engine lazily on first use, from the database, with the
profile vectors cached on disk under ``settings.MATCHING_INDEX_DIR`` (keyed by the encoded text,
so a restart or a rebuild only encodes what changed). A change to a researcher, an achievement or
a published demand marks this process's engine stale at once and, when the transaction commits,
bumps the pool's generation in the database (``IndexState``) through a background task, so every
other process rebuilds before its next query. The engine has no incremental updates yet, so a
stale engine is rebuilt whole; switching to add/update/remove changes ``_PoolIndex.engine`` only.

Hard filters (one place: ``exclusion_reason``): conflicts of interest (the researcher's unit or
account organisation is the demand's enterprise), unavailable researchers, no remaining capacity,
a research-integrity record; then the region scope (GB/T 2260 prefixes).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from techbridge.core.errors import PermissionRefused, ValidationFailed
from techbridge.demands import selectors as demand_selectors
from techbridge.demands.models import Demand
from techbridge.matching.dense import Encoder, HashingEncoder, UniversalSentenceEncoder
from techbridge.matching.engine import Match, MatchingEngine, profile_text
from techbridge.matching.explain import Evidence, collect_evidence, explanation_sentence
from techbridge.matching.model import Achievement as EngineAchievement
from techbridge.matching.model import Profile, Query
from techbridge.matching.text import Tokeniser
from techbridge.recommendations import selectors
from techbridge.recommendations.models import IndexState
from techbridge.talent.models import Achievement, Researcher, Team
from techbridge.talent.selectors import remaining_capacity

log = logging.getLogger(__name__)

SCOPES = ("local", "province", "national")
DEFAULT_K = 20
MAX_K = 100
PUSH_COUNT = 10
ENCODE_BATCH = 256

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
        unit=str(researcher.unit_id),
        industries=tuple(i.name for i in researcher.industries.all()),
        capacity=remaining_capacity(researcher),
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


def demand_profile(demand: Demand) -> Profile:
    """A published demand as a row of the demand pool (for ranking demands for a researcher)."""
    return Profile(
        id=str(demand.pk),
        name=demand.title,
        disciplines=tuple(d.name for d in demand.disciplines.all()),
        keywords=tuple(k for k in demand.keywords or [] if k),
        summary="；".join(
            p
            for p in (demand.title, demand.summary, demand.description, demand.expected_outcome)
            if p
        ),
        region=demand.region_id,
        unit=str(demand.enterprise_id),
        industries=(demand.industry.name,),
    )


def researcher_query(researcher: Researcher) -> Query:
    """What a researcher does, as a query against the demand pool."""
    profile = profile_for(researcher)
    return Query(
        id=f"researcher-{researcher.pk}",
        text=profile_text(profile),
        type="researcher",
        region=profile.region,
        discipline=profile.discipline,
    )


def researchers_for_index() -> QuerySet[Researcher]:
    return Researcher.objects.order_by("pk").prefetch_related(
        "disciplines", "industries", Prefetch("achievements", Achievement.objects.order_by("id"))
    )


def demands_for_index() -> QuerySet[Demand]:
    return (
        Demand.objects.filter(status=Demand.Status.PUBLISHED)
        .select_related("industry")
        .prefetch_related("disciplines")
        .order_by("pk")
    )


# --- the engines ------------------------------------------------------------------------------


def _encoder() -> tuple[str, Encoder]:
    name = settings.MATCHING_ENCODER
    if name == "hashing":
        return "hashing-256", HashingEncoder(Tokeniser())
    if name == "use":
        return "use-m3", UniversalSentenceEncoder()
    raise ValueError(f"MATCHING_ENCODER must be 'use' or 'hashing', not {name!r}")


def _no_progress(step: str, done: int, total: int) -> None:
    return None


class _VectorCache:
    """Profile vectors on disk, keyed by a hash of the encoder and the encoded text."""

    def __init__(self, pool: str, encoder_name: str) -> None:
        directory = settings.MATCHING_INDEX_DIR
        self.path = Path(directory) / f"{pool}-{encoder_name}.npz" if directory else None

    def load(self) -> dict[str, np.ndarray]:
        if self.path is None or not self.path.exists():
            return {}
        try:
            with np.load(self.path, allow_pickle=False) as data:
                return dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
        except (OSError, ValueError, KeyError):
            log.warning("Ignoring an unreadable matching cache %s", self.path)
            return {}

    def save(self, keys: list[str], vectors: np.ndarray) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Write beside it and rename, so a reader never sees half a file.
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, suffix=".npz")
        os.close(handle)
        try:
            np.savez(temporary, keys=np.array(keys, dtype=str), vectors=vectors)
            os.replace(temporary, self.path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)


def _text_key(encoder_name: str, text: str) -> str:
    return hashlib.sha256(f"{encoder_name}\n{text}".encode()).hexdigest()


def build_engine(
    pool: str, profiles: Sequence[Profile], *, progress: Progress | None = None
) -> MatchingEngine:
    """An engine over ``profiles``, encoding only the texts the disk cache does not hold."""
    say = progress or _no_progress
    encoder_name, encoder = _encoder()
    cache = _VectorCache(pool, encoder_name)
    keys = [_text_key(encoder_name, profile_text(p)) for p in profiles]
    known = cache.load()
    missing = [i for i, key in enumerate(keys) if key not in known]
    vectors = np.zeros((len(profiles), encoder.dim), dtype=np.float32)
    for i, key in enumerate(keys):
        if key in known:
            vectors[i] = known[key]
    say("encode", 0, len(missing))
    for start in range(0, len(missing), ENCODE_BATCH):
        batch = missing[start : start + ENCODE_BATCH]
        vectors[batch] = encoder.encode([profile_text(profiles[i]) for i in batch])
        say("encode", start + len(batch), len(missing))
    say("index", 0, 1)
    engine = MatchingEngine(profiles, encoder=encoder, vectors=vectors)
    say("index", 1, 1)
    if missing or len(known) != len(keys):
        cache.save(keys, vectors)
    return engine


def current_generation(pool: str) -> int:
    return IndexState.objects.filter(pool=pool).values_list("generation", flat=True).first() or 0


def bump_generation(pool: str) -> None:
    """Tell every process that ``pool`` changed."""
    if IndexState.objects.filter(pool=pool).update(generation=F("generation") + 1):
        return
    try:
        with transaction.atomic():
            IndexState.objects.create(pool=pool, generation=1)
    except IntegrityError:
        IndexState.objects.filter(pool=pool).update(generation=F("generation") + 1)


@dataclass
class _PoolIndex:
    """This process's engine over one pool, rebuilt when it is stale."""

    pool: str
    load: Callable[[], list[Profile]]
    engine: MatchingEngine | None = None
    generation: int = -1
    stale: bool = False
    lock: threading.RLock = field(default_factory=threading.RLock)

    def mark_stale(self) -> None:
        self.stale = True

    def get(self, *, progress: Progress | None = None) -> MatchingEngine:
        generation = current_generation(self.pool)
        with self.lock:
            if self.engine is None or self.stale or generation != self.generation:
                # Marked fresh before loading: a change arriving during the build marks it again.
                self.stale = False
                self.engine = build_engine(self.pool, self.load(), progress=progress)
                self.generation = generation
            return self.engine

    def reset(self) -> None:
        with self.lock:
            self.engine, self.generation, self.stale = None, -1, False


def _load_researchers() -> list[Profile]:
    return [profile_for(r) for r in researchers_for_index()]


def _load_demands() -> list[Profile]:
    return [demand_profile(d) for d in demands_for_index()]


_INDEXES = {
    IndexState.Pool.RESEARCHERS: _PoolIndex(IndexState.Pool.RESEARCHERS, _load_researchers),
    IndexState.Pool.DEMANDS: _PoolIndex(IndexState.Pool.DEMANDS, _load_demands),
}


def researcher_engine() -> MatchingEngine:
    return _INDEXES[IndexState.Pool.RESEARCHERS].get()


def demand_engine() -> MatchingEngine:
    return _INDEXES[IndexState.Pool.DEMANDS].get()


def reset_indexes() -> None:
    """Forget this process's engines (tests; after a restore of the database)."""
    for index in _INDEXES.values():
        index.reset()


def rebuild_indexes(*, progress: Progress | None = None) -> dict[str, int]:
    """Rebuild both engines now (the ``techbridge recommend rebuild`` command) and tell the other
    processes; returns the pool sizes."""
    say = progress or _no_progress
    sizes = {}
    for pool, index in _INDEXES.items():
        bump_generation(pool)
        index.mark_stale()

        def report(step: str, done: int, total: int, pool: str = pool) -> None:
            say(f"{pool}: {step}", done, total)

        sizes[str(pool)] = len(index.get(progress=report))
    return sizes


# --- keeping the indexes in step --------------------------------------------------------------


class _Batch:
    """The changes of one transaction, handed to the background once when it commits."""

    def __init__(self) -> None:
        self.updated: set[int] = set()
        self.removed: set[int] = set()
        self.demands = False


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

    for researcher_id in sorted(batch.updated - batch.removed):
        run_task(tasks.update_profile_in_index, researcher_id=researcher_id)
    for researcher_id in sorted(batch.removed):
        run_task(tasks.remove_profile_from_index, researcher_id=researcher_id)
    if batch.demands:
        run_task(tasks.refresh_demand_index)


def researcher_changed(*, researcher_id: int, removed: bool = False) -> None:
    """A profile (or one of its achievements) changed: this process's engine is stale now,
    the others learn it when the transaction commits."""
    _INDEXES[IndexState.Pool.RESEARCHERS].mark_stale()
    batch = _batch()
    if batch is None:
        batch = _Batch()
        (batch.removed if removed else batch.updated).add(researcher_id)
        _enqueue(batch)
        return
    (batch.removed if removed else batch.updated).add(researcher_id)


def demand_changed() -> None:
    """A demand was saved or deleted; only published ones are in the demand pool, but one that
    stops being published must leave it, so any change counts."""
    _INDEXES[IndexState.Pool.DEMANDS].mark_stale()
    batch = _batch()
    if batch is None:
        batch = _Batch()
        batch.demands = True
        _enqueue(batch)
        return
    batch.demands = True


def update_profile_in_index(*, researcher_id: int) -> None:
    """The task behind a profile change: idempotent. Until the engine updates one profile in
    place, every process rebuilds its researcher engine before its next query."""
    bump_generation(IndexState.Pool.RESEARCHERS)
    _INDEXES[IndexState.Pool.RESEARCHERS].mark_stale()


def remove_profile_from_index(*, researcher_id: int) -> None:
    bump_generation(IndexState.Pool.RESEARCHERS)
    _INDEXES[IndexState.Pool.RESEARCHERS].mark_stale()


def refresh_demand_index() -> None:
    bump_generation(IndexState.Pool.DEMANDS)
    _INDEXES[IndexState.Pool.DEMANDS].mark_stale()


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


REGION_RELATIONS = ("same_city", "same_province", "cross_region")


def region_relation(code: str, other: str) -> str:
    if not code or not other:
        return "cross_region"
    if code == other or (code[:4] == other[:4] and not code.endswith("0000")):
        return "same_city"
    if code[:2] == other[:2]:
        return "same_province"
    return "cross_region"


def _region_label(relation: str) -> str:
    return {
        "same_city": _("Same city"),
        "same_province": _("Same province"),
        "cross_region": _("Another region"),
    }[relation]


def _reasons(
    evidence: Evidence,
    *,
    disciplines: Iterable[str] = (),
    industries: Iterable[str] = (),
    relation: str = "",
    extra: Iterable[EvidenceItem] = (),
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
    if relation:
        items.append(EvidenceItem("region", _("Region"), _region_label(relation)))
    items += list(extra)
    return Reasons(sentence=explanation_sentence(evidence), items=tuple(items))


def _shared(first: Iterable[str], second: Iterable[str]) -> list[str]:
    wanted = set(second)
    return [name for name in first if name in wanted]


def _visible_evidence(
    engine: MatchingEngine, researcher_profile: Profile, demand: Demand, *, details_visible: bool
) -> Evidence:
    """Evidence between a researcher and the part of a demand the viewer may read: terms that
    occur only in protected text never reach someone who may not see it."""
    text = demand_text(demand, details_visible=details_visible)
    terms = list(dict.fromkeys(engine.tokeniser.tokenise(text)))
    return collect_evidence(researcher_profile, terms, engine.tokeniser)


# --- researchers for a demand -----------------------------------------------------------------


@dataclass(frozen=True)
class ResearcherRecommendation:
    researcher: Researcher
    score: float
    reasons: Reasons
    region_relation: str
    is_invited: bool = False


def exclusion_reason(researcher: Researcher, demand: Demand) -> str | None:
    """Why ``researcher`` may not be recommended for ``demand`` (None: they may)."""
    if researcher.unit_id == demand.enterprise_id or (
        researcher.user is not None and researcher.user.organisation_id == demand.enterprise_id
    ):
        return _("Conflict of interest: the researcher belongs to the demand's enterprise.")
    if researcher.availability == Researcher.Availability.UNAVAILABLE:
        return _("The researcher is not available.")
    if remaining_capacity(researcher) <= 0:
        return _("The researcher has no capacity left.")
    if researcher.has_integrity_record:
        return _("The researcher has a research-integrity record.")
    return None


def scope_prefix(region_code: str, scope: str) -> str:
    """The GB/T 2260 code prefix a scope keeps: ``local`` the city (the province when the demand
    names only a province), ``province`` the province, ``national`` everything."""
    if scope not in SCOPES:
        raise ValidationFailed(
            _("Unknown scope; use one of: %(scopes)s.") % {"scopes": ", ".join(SCOPES)},
            field="scope",
        )
    if scope == "national":
        return ""
    if scope == "province" or region_code.endswith("0000"):
        return region_code[:2]
    return region_code[:4]


def _clean_k(k: int) -> int:
    if not 1 <= k <= MAX_K:
        raise ValidationFailed(
            _("Ask for between 1 and %(max)d recommendations.") % {"max": MAX_K}, field="k"
        )
    return k


def _ranked(
    engine: MatchingEngine, query: Query, *, k: int, keep: Callable[[list[Match]], list[Match]]
) -> list[Match]:
    """The best ``k`` matches that ``keep`` lets through, asking the engine for more until enough
    pass or the pool is exhausted (filters are applied here until the engine takes them)."""
    size = len(engine)
    fetch = min(size, max(4 * k, 50))
    while True:
        kept = keep(engine.rank(query, k=fetch))
        if len(kept) >= k or fetch >= size:
            return kept[:k]
        fetch = min(size, fetch * 4)


def _eligible_researchers(
    demand: Demand, scope: str
) -> Callable[[list[Match]], list[tuple[Match, Researcher]]]:
    prefix = scope_prefix(demand.region_id, scope)

    def keep(matches: list[Match]) -> list[tuple[Match, Researcher]]:
        ids = [int(m.profile.id) for m in matches]
        rows = Researcher.objects.select_related("unit", "region", "user").in_bulk(ids)
        kept = []
        for match in matches:
            researcher = rows.get(int(match.profile.id))
            if researcher is None or exclusion_reason(researcher, demand) is not None:
                continue
            if not researcher.region_id.startswith(prefix):
                continue
            kept.append((match, researcher))
        return kept

    return keep


def rank_researchers_for_demand(
    *, demand: Demand, scope: str = "national", k: int = DEFAULT_K
) -> list[ResearcherRecommendation]:
    """Researchers for a demand, filtered and scoped, with full reasons. No permission check:
    for trusted callers (the push on publication, the command line); pages and the API call
    ``recommend_researchers``."""
    return _rank_researchers(demand=demand, scope=scope, k=_clean_k(k))


def _rank_researchers(*, demand: Demand, scope: str, k: int) -> list[ResearcherRecommendation]:
    keep = _eligible_researchers(demand, scope)
    engine = researcher_engine()
    if len(engine) == 0:
        return []
    pairs: list[tuple[Match, Researcher]] = []

    def collect(matches: list[Match]) -> list[Match]:
        pairs[:] = keep(matches)
        return [match for match, _researcher in pairs]

    _ranked(engine, query_for(demand), k=k, keep=collect)
    demand_disciplines = [d.name for d in demand.disciplines.all()]
    invited = set(demand.accesses.values_list("researcher_id", flat=True))
    result = []
    for match, researcher in pairs[:k]:
        relation = region_relation(demand.region_id, researcher.region_id)
        reasons = _reasons(
            match.evidence or Evidence(),
            disciplines=_shared(match.profile.disciplines, demand_disciplines),
            industries=_shared(match.profile.industries, [demand.industry.name]),
            relation=relation,
        )
        result.append(
            ResearcherRecommendation(
                researcher=researcher,
                score=round(match.score, 4),
                reasons=reasons,
                region_relation=relation,
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


TEAM_POOL = 200


def recommend_teams(
    *, demand: Demand, user: Any, scope: str = "national", k: int = 5
) -> list[TeamRecommendation]:
    """Teams ranked from their members' evidence: a team is as strong as its best matching
    member, and more so when a second and third member match too."""
    _check_demand_viewer(user, demand)
    k = _clean_k(k)
    members = _rank_researchers(demand=demand, scope=scope, k=TEAM_POOL)
    by_id = {row.researcher.pk: row for row in members}
    teams = (
        Team.objects.filter(members__in=list(by_id))
        .exclude(unit_id=demand.enterprise_id)
        .prefetch_related("members")
        .select_related("unit")
        .distinct()
    )
    ranked = []
    for team in teams:
        rows = sorted(
            (by_id[m.pk] for m in team.members.all() if m.pk in by_id),
            key=lambda row: -row.score,
        )
        if not rows:
            continue
        rest = [row.score for row in rows[1:3]]
        score = rows[0].score + 0.5 * (sum(rest) / 2 if rest else 0.0)
        best = rows[0].reasons
        extra = [
            EvidenceItem("member", _("Matching member"), row.researcher.name) for row in rows[:3]
        ]
        reasons = Reasons(sentence=best.sentence, items=(*extra, *best.items))
        ranked.append(TeamRecommendation(team, round(score, 4), tuple(rows[:3]), reasons))
    ranked.sort(key=lambda t: (-t.score, t.team.pk))
    return ranked[:k]


# --- demands for a researcher -----------------------------------------------------------------


@dataclass(frozen=True)
class DemandRecommendation:
    demand: Demand
    fields: dict[str, Any]  # demands.selectors.mask for the viewer
    score: float
    reasons: Reasons


def _demand_reasons(
    engine: MatchingEngine, researcher: Researcher, profile: Profile, demand: Demand, *, viewer: Any
) -> tuple[bool, Reasons]:
    details_visible = demand_selectors.can_see_details(viewer, demand)
    evidence = _visible_evidence(engine, profile, demand, details_visible=details_visible)
    reasons = _reasons(
        evidence,
        disciplines=_shared(profile.disciplines, [d.name for d in demand.disciplines.all()]),
        industries=_shared(profile.industries, [demand.industry.name]),
        relation=region_relation(demand.region_id, researcher.region_id),
    )
    return details_visible, reasons


def recommend_demands(
    *, researcher: Researcher, user: Any, k: int = DEFAULT_K
) -> list[DemandRecommendation]:
    """Published demands for ``researcher``, as ``user`` may see them: masked fields, and reasons
    built only from the text ``user`` may read."""
    if not selectors.can_see_recommended_demands(user, researcher):
        raise PermissionRefused(_("You may not see the demands recommended for this researcher."))
    k = _clean_k(k)
    engine = demand_engine()
    if len(engine) == 0:
        return []
    researcher = researchers_for_index().select_related("region", "user").get(pk=researcher.pk)
    profile = profile_for(researcher)
    visible = demand_selectors.demands_visible_to(user).filter(status=Demand.Status.PUBLISHED)
    found: dict[int, Demand] = {}

    def keep(matches: list[Match]) -> list[Match]:
        ids = [int(m.profile.id) for m in matches]
        rows = visible.prefetch_related("disciplines").in_bulk(ids)
        found.update(rows)
        return [
            m
            for m in matches
            if int(m.profile.id) in rows
            and rows[int(m.profile.id)].enterprise_id != researcher.unit_id
        ]

    matches = _ranked(engine, researcher_query(researcher), k=k, keep=keep)
    result = []
    for match in matches:
        demand = found[int(match.profile.id)]
        details_visible, reasons = _demand_reasons(engine, researcher, profile, demand, viewer=user)
        result.append(
            DemandRecommendation(
                demand=demand,
                fields=demand_selectors.mask(demand, details_visible=details_visible),
                score=round(match.score, 4),
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
    profiles = {
        r.pk: profile_for(r)
        for r in researchers_for_index().filter(pk__in=[row.researcher.pk for row in rows])
    }
    notified = 0
    for row in rows:
        account = row.researcher.user
        if account is None or not account.is_active or account.pk in told:
            continue
        # The researcher may not read the details yet: the reason quotes public text only.
        _visible, reasons = _demand_reasons(
            engine, row.researcher, profiles[row.researcher.pk], demand, viewer=account
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
