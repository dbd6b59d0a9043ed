"""Generating the three-party agreement and handing it out, audited.

The confirmation itself is the dispatch workflow's ``confirm_agreement`` step
(``dispatch.services.transition``); this module only writes and reads the document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import override

from techbridge.agreements import content, render, selectors
from techbridge.agreements.models import AgreementDocument
from techbridge.audit import services as audit
from techbridge.audit.models import AuditEntry
from techbridge.core.errors import NotFound, PermissionRefused, ValidationFailed
from techbridge.demands import services as demand_services
from techbridge.dispatch.models import Dispatch, Round


@transaction.atomic
def generate_agreement(*, actor: Any, dispatch: Dispatch) -> AgreementDocument:
    """Write a new version of ``dispatch``'s agreement from the parties' current data.

    The dispatch row is locked, as the workflow's ``confirm_agreement`` locks it, so a version
    cannot slip in between a party's confirmation and the check that freezes the text."""
    dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
    refusal = selectors.generation_refusal(actor, dispatch)
    if refusal is not None:
        raise refusal
    latest = selectors.document_for(dispatch)
    if latest is not None:
        sequence, number, version = latest.sequence, latest.number, latest.version + 1
    else:
        # One number per dispatch, in order within the round: lock the round to count.
        round_ = Round.objects.select_for_update().get(pk=dispatch.round_id)
        taken = AgreementDocument.objects.filter(round=round_).aggregate(last=Max("sequence"))
        sequence = (taken["last"] or 0) + 1
        number = content.agreement_number(round_=round_, sequence=sequence)
        version = 1
    language = settings.LANGUAGE_CODE
    snapshot = content.build_snapshot(
        dispatch=dispatch, number=number, version=version, language=language
    )
    document = AgreementDocument.objects.create(
        dispatch=dispatch,
        round_id=dispatch.round_id,
        sequence=sequence,
        number=number,
        version=version,
        language=language,
        snapshot=snapshot,
        content_sha256=content.fingerprint(snapshot),
        generated_by=actor,
    )
    audit.record(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        obj=document,
        summary=_("Agreement %(number)s version %(version)d generated")
        % {"number": number, "version": version},
        detail={"dispatch": dispatch.pk, "sha256": document.content_sha256},
    )
    return document


@dataclass(frozen=True)
class ExportedAgreement:
    document: AgreementDocument
    content: bytes
    content_type: str
    filename: str


def export_agreement(
    *, user: Any, dispatch: Dispatch, file_format: str, ip_address: str | None = None
) -> ExportedAgreement:
    """The current version of the agreement as DOCX or PDF, for a party or an administrator.

    Audited twice in one transaction: the export of the document, and (for a demand that is not
    public) the view of the demand's protected details it contains."""
    if file_format not in render.FORMATS:
        raise ValidationFailed(
            _("Choose DOCX or PDF."),
            field="format",
        )
    if not selectors.can_download(user, dispatch):
        raise PermissionRefused(
            _(
                "Only the three parties of the agreement and the administrators of its region "
                "may read it."
            )
        )
    document = selectors.document_for(dispatch)
    if document is None:
        raise NotFound(_("No agreement has been generated for this dispatch yet."))
    document.dispatch = dispatch
    data = render.render(document, file_format)
    with transaction.atomic():
        audit.record(
            actor=user,
            action=AuditEntry.Action.EXPORT,
            obj=document,
            summary=_("Agreement %(number)s version %(version)d downloaded as %(format)s")
            % {"number": document.number, "version": document.version, "format": file_format},
            detail={
                "dispatch": dispatch.pk,
                "format": file_format,
                "version": document.version,
                "sha256": document.content_sha256,
            },
            ip_address=ip_address,
        )
        demand_services.record_detail_view(
            user=user,
            demand=dispatch.enterprise_application.demand,
            channel="agreement",
            ip_address=ip_address,
        )
    return ExportedAgreement(
        document=document,
        content=data,
        content_type=render.FORMATS[file_format],
        filename=filename_for(document, file_format),
    )


def filename_for(document: AgreementDocument, file_format: str) -> str:
    """A readable file name in the document's language: number, then the enterprise."""
    enterprise = document.snapshot["parties"]["enterprise"]["name"]
    with override(document.language):
        stem = _("Three-party agreement %(number)s %(enterprise)s") % {
            "number": document.number,
            "enterprise": enterprise,
        }
    safe = "".join("_" if char in '/\\:*?"<>|' or ord(char) < 32 else char for char in stem)
    return f"{safe}.{file_format}"
