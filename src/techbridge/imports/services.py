"""Bulk import of researchers and demands from spreadsheets, with a row-level error report.

Every row goes through the same domain service as a form would
(``talent.services.create_researcher``, ``demands.services.create_demand``), each in its own
savepoint, so a bad row leaves nothing behind while the good rows are saved. A dry run validates
every row the same way and rolls all of it back. Each run is recorded as an ``ImportRun`` with its
errors and written to the audit trail.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from techbridge.audit import services as audit
from techbridge.audit.models import AuditEntry
from techbridge.core.errors import PermissionRefused, ValidationFailed
from techbridge.demands import selectors as demand_selectors
from techbridge.demands import services as demand_services
from techbridge.demands.models import Demand
from techbridge.imports import selectors
from techbridge.imports.columns import (
    DEMAND_SCHEMA,
    RESEARCHER_SCHEMA,
    SCHEMAS,
    References,
    Schema,
    fold_text,
    to_date,
)
from techbridge.imports.models import ImportRun
from techbridge.imports.parsing import MAX_ROWS, read_table
from techbridge.orgs.models import Organisation
from techbridge.talent import selectors as talent_selectors
from techbridge.talent import services as talent_services
from techbridge.talent.models import Researcher

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class _Importer:
    """What differs between researchers and demands."""

    kind: str
    schema: Schema
    key_field: str  # the data key that, with the organisation, identifies a duplicate
    existing_keys: Callable[[Organisation], set[str]]
    create: Callable[[Any, Organisation, dict[str, Any]], models.Model]
    may_act_for: Callable[[Any, Organisation], bool]
    organisation_kind: str
    wrong_organisation: Callable[[], str]
    refused: Callable[[], str]
    exists: Callable[[], str]


def _create_researcher(actor: Any, unit: Organisation, data: dict[str, Any]) -> models.Model:
    return talent_services.create_researcher(actor=actor, unit=unit, data=data)


def _create_demand(actor: Any, enterprise: Organisation, data: dict[str, Any]) -> models.Model:
    return demand_services.create_demand(actor=actor, enterprise=enterprise, data=data)


_IMPORTERS: dict[str, _Importer] = {
    ImportRun.Kind.RESEARCHERS: _Importer(
        kind=ImportRun.Kind.RESEARCHERS,
        schema=RESEARCHER_SCHEMA,
        key_field="name",
        existing_keys=lambda unit: {
            fold_text(n)
            for n in Researcher.objects.filter(unit=unit).values_list("name", flat=True)
        },
        create=_create_researcher,
        # The rule of create_researcher itself, checked once before the first row.
        may_act_for=lambda user, unit: talent_selectors.manages_unit(user, unit.pk),
        organisation_kind=Organisation.Kind.UNIT,
        wrong_organisation=lambda: _("Researchers belong to a dispatching unit."),
        refused=lambda: _("You may only add researchers to your own unit."),
        exists=lambda: _("A researcher with this name already exists in this unit."),
    ),
    ImportRun.Kind.DEMANDS: _Importer(
        kind=ImportRun.Kind.DEMANDS,
        schema=DEMAND_SCHEMA,
        key_field="title",
        existing_keys=lambda enterprise: {
            fold_text(t)
            for t in Demand.objects.filter(enterprise=enterprise).values_list("title", flat=True)
        },
        create=_create_demand,
        # The rule of create_demand itself, checked once before the first row.
        may_act_for=demand_selectors.can_act_for,
        organisation_kind=Organisation.Kind.ENTERPRISE,
        wrong_organisation=lambda: _("Demands belong to enterprises."),
        refused=lambda: _("You may not publish demands for this enterprise."),
        exists=lambda: _("A demand with this title already exists for this enterprise."),
    ),
}


def import_researchers(
    *,
    actor: Any,
    unit: Organisation,
    file_name: str,
    content: bytes,
    dry_run: bool = False,
    progress: Progress | None = None,
    max_rows: int = MAX_ROWS,
) -> ImportRun:
    """Add the researchers of a spreadsheet to ``unit``; see ``run_import``."""
    return run_import(
        kind=ImportRun.Kind.RESEARCHERS,
        actor=actor,
        organisation=unit,
        file_name=file_name,
        content=content,
        dry_run=dry_run,
        progress=progress,
        max_rows=max_rows,
    )


def import_demands(
    *,
    actor: Any,
    enterprise: Organisation,
    file_name: str,
    content: bytes,
    dry_run: bool = False,
    progress: Progress | None = None,
    max_rows: int = MAX_ROWS,
) -> ImportRun:
    """Add the demands of a spreadsheet to ``enterprise`` as drafts; see ``run_import``."""
    return run_import(
        kind=ImportRun.Kind.DEMANDS,
        actor=actor,
        organisation=enterprise,
        file_name=file_name,
        content=content,
        dry_run=dry_run,
        progress=progress,
        max_rows=max_rows,
    )


def check_may_import(*, actor: Any, kind: str, organisation: Organisation) -> None:
    """Raise ``PermissionRefused`` unless ``actor`` may import ``kind`` into ``organisation``."""
    importer = _IMPORTERS[kind]
    if not selectors.can_import(actor, kind):
        raise PermissionRefused(importer.refused())
    if organisation.kind != importer.organisation_kind:
        raise ValidationFailed(importer.wrong_organisation())
    if not importer.may_act_for(actor, organisation):
        raise PermissionRefused(importer.refused())


def run_import(
    *,
    kind: str,
    actor: Any,
    organisation: Organisation,
    file_name: str,
    content: bytes,
    dry_run: bool = False,
    progress: Progress | None = None,
    max_rows: int = MAX_ROWS,
) -> ImportRun:
    """Validate every row, save the good ones (none on a dry run) and record the run.

    A file that cannot be imported at all (wrong type, empty, too large, required columns
    missing) raises ``ValidationFailed`` and records nothing; an actor who may not import into
    ``organisation`` gets ``PermissionRefused``.
    """
    importer = _IMPORTERS[kind]
    check_may_import(actor=actor, kind=kind, organisation=organisation)
    table = read_table(file_name=file_name, content=content, max_rows=max_rows)
    schema = importer.schema
    located, missing = schema.locate(table.headers)
    if missing:
        raise ValidationFailed(
            _(
                "Required columns are missing: %(columns)s. Download the template to see the "
                "expected headers."
            )
            % {"columns": "、".join(missing)}
        )
    refs = References()
    existing = importer.existing_keys(organisation)
    first_row_of: dict[str, int] = {}
    errors: list[dict[str, Any]] = []
    saved = failed = 0
    total = len(table.rows)
    key_column = schema.column_for_field(importer.key_field)

    with transaction.atomic():
        for done, (row_number, row) in enumerate(table.rows, start=1):
            data, problems = schema.convert(row, located, refs)
            problems += _check_organisation_name(data, organisation)
            key = fold_text(str(data.get(importer.key_field, "")))
            if key:
                if key in first_row_of:
                    problems.append(
                        (
                            key_column,
                            _("Duplicate of row %(row)d in this file.")
                            % {"row": first_row_of[key]},
                        )
                    )
                else:
                    first_row_of[key] = row_number
                    if key in existing:
                        problems.append((key_column, importer.exists()))
            if not problems:
                try:
                    with transaction.atomic():
                        importer.create(actor, organisation, data)
                except ValidationFailed as exc:
                    problems.append((schema.column_for_field(exc.field), exc.message))
                else:
                    saved += 1
            if problems:
                failed += 1
                errors += [
                    {"row": row_number, "column": column, "message": message}
                    for column, message in problems
                ]
            if progress is not None:
                progress(done, total)
        if dry_run:
            transaction.set_rollback(True)

    with transaction.atomic():
        run = ImportRun.objects.create(
            kind=kind,
            file_name=file_name[:255],
            actor=actor,
            organisation=organisation,
            is_dry_run=dry_run,
            total_rows=total,
            saved_rows=0 if dry_run else saved,
            failed_rows=failed,
            errors=errors,
        )
        audit.record(
            actor=actor,
            action=AuditEntry.Action.IMPORT,
            obj=run,
            summary=file_name,
            detail={
                "kind": kind,
                "organisation": organisation.pk,
                "dry_run": dry_run,
                "rows": total,
                "saved": run.saved_rows,
                "failed": failed,
            },
        )
    return run


def _check_organisation_name(
    data: dict[str, Any], organisation: Organisation
) -> list[tuple[str, str]]:
    """The optional 单位 column must name the unit being imported into, if it is filled in."""
    named = data.pop("单位", None)
    if named and fold_text(named) != fold_text(organisation.name):
        return [
            (
                "单位",
                _("This row names the unit “%(named)s”, but you are importing into “%(unit)s”.")
                % {"named": named, "unit": organisation.name},
            )
        ]
    return []


# --- templates and reports ----------------------------------------------------------------------

TEMPLATE_SHEET_TITLES: dict[str, str] = {
    ImportRun.Kind.RESEARCHERS: "科技人员",
    ImportRun.Kind.DEMANDS: "技术需求",
}


def example_row(kind: str, *, organisation: Organisation | None = None) -> list[str]:
    values = []
    for column in SCHEMAS[kind].columns:
        value = column.example
        if column.header == "单位" and organisation is not None:
            value = organisation.name
        if column.convert is to_date and not value:
            value = (datetime.date.today() + datetime.timedelta(days=365)).isoformat()
        values.append(value)
    return values


def build_template(
    kind: str, *, file_format: str = "xlsx", organisation: Organisation | None = None
) -> bytes:
    """The template users fill in: headers and one example row (which imports cleanly).

    The xlsx variant has a second sheet 说明 that explains each column; ``organisation`` fills the
    example's unit name in.
    """
    if kind not in SCHEMAS:
        raise ValidationFailed(_("Unknown import kind “%(kind)s”.") % {"kind": kind})
    schema = SCHEMAS[kind]
    headers = [column.header for column in schema.columns]
    example = example_row(kind, organisation=organisation)
    if file_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerow(example)
        # The BOM makes Excel open the file as UTF-8 instead of guessing the local code page.
        return buffer.getvalue().encode("utf-8-sig")
    if file_format != "xlsx":
        raise ValidationFailed(_("Templates are available as xlsx or csv."))
    return _template_workbook(kind, schema, headers, example)


def _template_workbook(kind: str, schema: Schema, headers: list[str], example: list[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = TEMPLATE_SHEET_TITLES[kind]
    sheet.append(headers)
    sheet.append(example)
    header_fill = PatternFill("solid", fgColor="EEF2F7")
    for column, cell in zip(schema.columns, sheet[1], strict=True):
        cell.font = Font(bold=True, color="B42318" if column.required else "1D2733")
        cell.fill = header_fill
        sheet.column_dimensions[cell.column_letter].width = max(12, len(column.header) * 2 + 4)
    for cell in sheet[2]:
        cell.number_format = "@"  # codes and phone numbers keep their leading zeros
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet("说明")
    notes.append(
        [
            _(
                "Fill in one row per record on the first sheet, from row 2 on; row 1 holds "
                "the headers and must not be changed. Replace the example row with your own "
                "data. Columns in red are required."
            )
        ]
    )
    notes.append([])
    notes.append([_("Column"), _("Required"), _("Allowed values"), _("Explanation")])
    for cell in notes[3]:
        cell.font = Font(bold=True)
    for column in schema.columns:
        notes.append(
            [
                column.header,
                _("Yes") if column.required else _("No"),
                column.allowed_text(),
                str(column.description),
            ]
        )
    for letter, width in zip("ABCD", (18, 8, 40, 80), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_error_report(*, run: ImportRun) -> bytes:
    """The errors of a run as an xlsx workbook: row number, column and reason."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Errors")[:31]
    sheet.append([_("Row"), _("Column"), _("Reason")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for error in run.errors:
        sheet.append([error["row"], error["column"], error["message"]])
    sheet.column_dimensions["A"].width = 8
    sheet.column_dimensions["B"].width = 20
    sheet.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
