"""Keeping the inverted index in step with documents, and querying it."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.db import connection, models, transaction
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum

from techbridge.search.models import SearchTerm
from techbridge.search.text import query_terms, tokenise

# (text, weight) pairs; a heavier field counts more in the ranking.
WeightedTexts = Sequence[tuple[str, float]]


def term_weights(fields: WeightedTexts) -> dict[str, float]:
    weights: dict[str, float] = defaultdict(float)
    for text, weight in fields:
        for token in tokenise(text):
            weights[token] += weight
    return weights


def build_rows(
    *, kind: str, object_id: int, public: WeightedTexts, protected: WeightedTexts = ()
) -> list[SearchTerm]:
    rows = [
        SearchTerm(kind=kind, object_id=object_id, term=term, weight=w, is_public=True)
        for term, w in term_weights(public).items()
    ]
    rows += [
        SearchTerm(kind=kind, object_id=object_id, term=term, weight=w, is_public=False)
        for term, w in term_weights(protected).items()
    ]
    return rows


@transaction.atomic
def index_document(
    *, kind: str, object_id: int, public: WeightedTexts, protected: WeightedTexts = ()
) -> None:
    """Replace the terms of one document."""
    SearchTerm.objects.filter(kind=kind, object_id=object_id).delete()
    SearchTerm.objects.bulk_create(
        build_rows(kind=kind, object_id=object_id, public=public, protected=protected)
    )


def bulk_index(rows: Iterable[SearchTerm], batch_size: int = 5000) -> None:
    """Insert many rows from ``build_rows`` (ids are not set on them).

    One ``executemany`` per batch: for hundreds of thousands of terms (the demo data set has
    ~300,000) the ORM's per-row preparation in ``bulk_create`` costs ten times the insert.
    """
    meta = SearchTerm._meta
    names = ("kind", "object_id", "term", "weight", "is_public")
    quote = connection.ops.quote_name
    fields = [cast("models.Field[Any, Any]", meta.get_field(name)) for name in names]
    columns = ", ".join(quote(field.column) for field in fields)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"
    )
    batch: list[tuple[str, int, str, float, bool]] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for row in rows:
            batch.append((row.kind, row.object_id, row.term, row.weight, row.is_public))
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                batch.clear()
        if batch:
            cursor.executemany(sql, batch)


def remove_document(*, kind: str, object_id: int) -> None:
    SearchTerm.objects.filter(kind=kind, object_id=object_id).delete()


def search(
    queryset: QuerySet,
    *,
    kind: str,
    text: str,
    protected_ids: QuerySet | None = None,
) -> QuerySet:
    """Narrow ``queryset`` to documents matching ``text`` and order them by relevance.

    Protected terms count only for documents whose ids are in ``protected_ids`` (the documents
    whose protected details the user may see), so a search never reveals hidden text.
    A document must contain at least three quarters of the query's terms.
    """
    terms = query_terms(text)
    if not terms:
        return queryset
    condition = Q(is_public=True)
    if protected_ids is not None:
        condition |= Q(is_public=False, object_id__in=protected_ids)
    hits = (
        SearchTerm.objects.filter(condition, kind=kind, term__in=terms)
        .values("object_id")
        .annotate(matched=Count("term", distinct=True), score=Sum("weight"))
        .filter(matched__gte=max(1, math.ceil(len(terms) * 0.75)))
    )
    scores = hits.filter(object_id=OuterRef("pk")).values("score")[:1]
    matched = hits.filter(object_id=OuterRef("pk")).values("matched")[:1]
    return (
        queryset.filter(pk__in=hits.values("object_id"))
        .annotate(
            search_matched=Subquery(matched, output_field=models.IntegerField()),
            search_score=Subquery(scores, output_field=models.FloatField()),
        )
        .order_by("-search_matched", "-search_score", "-pk")
    )
