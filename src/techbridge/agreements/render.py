"""Rendering one agreement version as DOCX (docxtpl) or PDF (WeasyPrint).

Both files are laid out from the same context: the version's snapshot (``agreements.content``),
its fingerprint, and the three signature blocks with the confirmations the dispatch holds now.
WeasyPrint needs Debian's pango and a CJK font (``fonts-noto-cjk``, installed by ``make``); it is
imported only when a PDF is asked for, so a machine without them still serves the DOCX.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from techbridge.core.errors import InvalidState

DOCX_TEMPLATE = Path(__file__).resolve().parent / "agreement_template.docx"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_CONTENT_TYPE = "application/pdf"
FORMATS = {"docx": DOCX_CONTENT_TYPE, "pdf": PDF_CONTENT_TYPE}

# (party key in the snapshot, confirmation field on the dispatch)
SIGNATORIES = (
    ("enterprise", "enterprise_confirmed_at"),
    ("commissioner", "commissioner_confirmed_at"),
    ("unit", "unit_confirmed_at"),
)


class PdfUnavailable(InvalidState):
    """WeasyPrint or the system libraries it needs are missing on this server."""


def signatures(snapshot: dict[str, Any], dispatch: Any) -> list[dict[str, Any]]:
    labels = snapshot["labels"]
    blocks = []
    for key, field in SIGNATORIES:
        party = snapshot["parties"][key]
        confirmed_at = getattr(dispatch, field)
        if confirmed_at is None:
            confirmation = labels["not_confirmed"]
        else:
            when = timezone.localtime(confirmed_at).strftime("%Y-%m-%d %H:%M")
            confirmation = f"{labels['confirmed']}: {when}"
        blocks.append(
            {
                "key": key,
                "heading": party["heading"],
                "name": party["name"],
                "confirmed_at": confirmed_at,
                "confirmation": confirmation,
            }
        )
    return blocks


def context_for(document: Any) -> dict[str, Any]:
    return {
        **document.snapshot,
        "party_list": [document.snapshot["parties"][key] for key, _field in SIGNATORIES],
        "fingerprint": document.content_sha256,
        "signatures": signatures(document.snapshot, document.dispatch),
    }


def _with_line_breaks(value: Any) -> Any:
    """Text with newlines becomes a docxtpl ``Listing`` (escaped, line breaks kept)."""
    from docxtpl import Listing

    if isinstance(value, str):
        return Listing(value) if "\n" in value else value
    if isinstance(value, list):
        return [_with_line_breaks(item) for item in value]
    if isinstance(value, dict):
        return {key: _with_line_breaks(item) for key, item in value.items()}
    return value


def render_docx(context: dict[str, Any]) -> bytes:
    from docxtpl import DocxTemplate

    template = DocxTemplate(DOCX_TEMPLATE)
    # Autoescape: names and descriptions are user input and must not break the XML.
    template.render(_with_line_breaks(context), autoescape=True)
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def render_html(context: dict[str, Any]) -> str:
    return render_to_string("agreements/document.html", context)


def render_pdf(context: dict[str, Any]) -> bytes:
    try:
        import weasyprint
    except OSError as error:  # pango or its friends are not installed
        raise PdfUnavailable(
            _("PDF output is not available on this server; download the DOCX instead.")
        ) from error
    return bytes(weasyprint.HTML(string=render_html(context)).write_pdf())


def render(document: Any, file_format: str) -> bytes:
    context = context_for(document)
    if file_format == "pdf":
        return render_pdf(context)
    return render_docx(context)
