"""Exporting the filtered demand list as CSV or XLSX, with the same masking as the pages.

``build_rows`` is pure: it turns ``selectors.mask()`` output into table rows, leaving protected
columns empty for rows whose details the user may not read. ``export_demands`` selects the
rows, audits the export and every protected view it contains, and writes the file.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from techbridge.audit import services as audit
from techbridge.audit.models import AuditEntry
from techbridge.demands import selectors, services
from techbridge.demands.models import Demand

# Larger extracts are a job for the API or the command line, not a browser download.
MAX_ROWS = 10_000

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}

PUBLIC_COLUMNS = (
    ("id", gettext_lazy("ID")),
    ("title", gettext_lazy("Title")),
    ("summary", gettext_lazy("Public summary")),
    ("enterprise", gettext_lazy("Enterprise")),
    ("industry", gettext_lazy("Industry")),
    ("disciplines", gettext_lazy("Technical fields")),
    ("region", gettext_lazy("Region")),
    ("cooperation_mode", gettext_lazy("Cooperation mode")),
    ("confidentiality_label", gettext_lazy("Confidentiality")),
    ("status_label", gettext_lazy("Status")),
    ("deadline", gettext_lazy("Deadline")),
    ("published_at", gettext_lazy("Published")),
)
PROTECTED_COLUMNS = (
    ("description", gettext_lazy("Description")),
    ("expected_outcome", gettext_lazy("Expected outcome")),
    ("keywords", gettext_lazy("Keywords")),
    ("budget_min", gettext_lazy("Budget from (10k yuan)")),
    ("budget_max", gettext_lazy("Budget to (10k yuan)")),
    ("contact_name", gettext_lazy("Contact person")),
    ("contact_phone", gettext_lazy("Contact phone")),
)
COLUMNS = PUBLIC_COLUMNS + PROTECTED_COLUMNS
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A value a spreadsheet cell can hold; lists are joined, datetimes in local time."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        # Text from users must not run as a spreadsheet formula.
        return "'" + value
    return value


def headers() -> list[str]:
    return [str(label) for _key, label in COLUMNS]


def build_rows(masked: Iterable[dict[str, Any]]) -> list[list[Any]]:
    """Rows of ``mask()`` dicts; protected columns stay empty where the mask hid them."""
    return [[_cell(fields.get(key)) for key, _label in COLUMNS] for fields in masked]


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    # The byte-order mark makes Excel read the Chinese text as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Demands")[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_demands(
    *,
    user: Any,
    filters: selectors.DemandFilters,
    file_format: str,
    ip_address: str | None = None,
) -> bytes:
    """The demands ``user`` may list under ``filters`` as a file, audited."""
    demands: list[Demand] = list(
        selectors.filter_demands(user, filters).prefetch_related("disciplines")[:MAX_ROWS]
    )
    detail_ids = set(
        selectors.demands_with_details_for(user)
        .filter(pk__in=[d.pk for d in demands])
        .values_list("pk", flat=True)
    )
    masked = [selectors.mask(d, details_visible=d.pk in detail_ids) for d in demands]
    rows = build_rows(masked)
    with transaction.atomic():
        audit.record(
            actor=user,
            action=AuditEntry.Action.EXPORT,
            object_type=Demand._meta.label_lower,
            summary=_("Demand list exported as %(format)s") % {"format": file_format.upper()},
            detail={
                "filters": dataclasses.asdict(filters),
                "rows": len(rows),
                "rows_with_details": len(detail_ids),
                "format": file_format,
            },
            ip_address=ip_address,
        )
        for demand in demands:
            if demand.pk in detail_ids:
                services.record_detail_view(
                    user=user, demand=demand, channel="export", ip_address=ip_address
                )
    writer = to_xlsx if file_format == "xlsx" else to_csv
    return writer(headers(), rows)
