"""Generating the three-party agreement: content of the DOCX and PDF, who may generate and read
it, when its text is frozen, and the audit of every download."""

from __future__ import annotations

import io
import re

import docx
import pypdf
import pytest
from django.utils import translation

from techbridge.agreements import selectors, services
from techbridge.agreements.models import AgreementDocument
from techbridge.audit.models import AuditEntry
from techbridge.audit.services import verify_chain
from techbridge.core.errors import InvalidState, NotFound, PermissionRefused, ValidationFailed
from techbridge.demands.models import Demand
from techbridge.dispatch import services as dispatch_services
from tests.agreements.conftest import DS

READERS = ["enterprise", "researcher", "unit", "city_bureau", "province_admin"]
OUTSIDERS = [
    "other_enterprise",
    "other_unit",
    "other_city_bureau",
    "other_province_admin",
    "auditor",
    "tech_manager",
]


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    parts.extend(p.text for p in document.sections[0].footer.paragraphs)
    return "\n".join(parts)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def download(user, dispatch, file_format="docx") -> bytes:
    return services.export_agreement(user=user, dispatch=dispatch, file_format=file_format).content


def confirm(actors, dispatch, *parties: str) -> None:
    for party in parties:
        dispatch_services.transition(obj=dispatch, action="confirm_agreement", actor=actors[party])
    dispatch.refresh_from_db()


def test_docx_holds_every_partys_data_the_demand_and_the_number(pending, actors):
    document = services.generate_agreement(actor=actors["enterprise"], dispatch=pending)

    assert re.fullmatch(r"TB\d{4}-R\d{3}-0001", document.number)
    assert document.version == 1
    text = docx_text(download(actors["enterprise"], pending))
    enterprise = pending.enterprise_application.enterprise
    demand = pending.enterprise_application.demand
    for expected in [
        document.number,
        "青岛海纳新材料有限公司",
        enterprise.credit_code,
        "山东省青岛市崂山区科苑纬一路1号",
        "0532-88886666",
        "李晓明",
        "材料科学与工程学院",
        "中国海洋大学",
        "青岛市松岭路238号",
        pending.round.name,
        demand.title,
        demand.description,  # the parties are entitled to the protected details
        demand.expected_outcome,
        "提供研发中心办公室与中试线",  # the working conditions the enterprise committed
        "每月驻企不少于五天。",  # the commissioner's service plan
        document.content_sha256,
    ]:
        assert expected in text, expected
    assert "Survey Party A's technical needs" in text  # the duties of the source document
    assert "Intellectual property" in text
    assert text.count("Not yet confirmed") == 3


def test_the_document_sets_a_chinese_east_asian_font(pending, actors):
    services.generate_agreement(actor=actors["unit"], dispatch=pending)
    document = docx.Document(io.BytesIO(download(actors["unit"], pending)))
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == (
        "宋体"
    )


def test_the_document_is_in_the_sites_language_not_the_users(pending, actors, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("en"):
        document = services.generate_agreement(actor=actors["enterprise"], dispatch=pending)
    with translation.override("zh-hans"):
        title = translation.gettext(
            "Agreement on the Enterprise Science and Technology Commissioner"
        )
    assert document.language == "zh-hans"
    assert document.snapshot["labels"]["title"] == title
    assert title in docx_text(download(actors["enterprise"], pending))


def test_pdf_is_a_pdf_with_the_parties_names(pending, actors):
    document = services.generate_agreement(actor=actors["researcher"], dispatch=pending)
    content = download(actors["researcher"], pending, "pdf")

    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    for expected in ["青岛海纳新材料有限公司", "李晓明", "中国海洋大学", document.number]:
        assert expected in text, expected


def test_the_confidentiality_clause_follows_the_demands_level(pending, actors):
    demand = pending.enterprise_application.demand
    demand.confidentiality = Demand.Confidentiality.CONFIDENTIAL
    demand.save()
    services.generate_agreement(actor=actors["enterprise"], dispatch=pending)

    text = docx_text(download(actors["enterprise"], pending))
    assert "Party A classified the demand as confidential" in text


def test_user_input_is_escaped_and_line_breaks_kept(pending, actors):
    enterprise = pending.enterprise_application.enterprise
    enterprise.name = "A&B <科技> 有限公司"
    enterprise.save()
    demand = pending.enterprise_application.demand
    demand.description = "第一行\n第二行"
    demand.save()
    services.generate_agreement(actor=actors["enterprise"], dispatch=pending)

    text = docx_text(download(actors["enterprise"], pending))
    assert "A&B <科技> 有限公司" in text
    assert "第一行\n第二行" in text
    assert "A&B <科技> 有限公司" in pdf_text(download(actors["enterprise"], pending, "pdf"))


def test_the_text_is_a_snapshot_later_edits_do_not_change_it(pending, actors):
    services.generate_agreement(actor=actors["enterprise"], dispatch=pending)
    enterprise = pending.enterprise_application.enterprise
    enterprise.name = "改名后的公司"
    enterprise.save()

    text = docx_text(download(actors["enterprise"], pending))
    assert "青岛海纳新材料有限公司" in text
    assert "改名后的公司" not in text


@pytest.mark.parametrize("role", READERS)
def test_the_parties_and_the_administrators_may_generate(pending, actors, role):
    document = services.generate_agreement(actor=actors[role], dispatch=pending)
    assert document.generated_by == actors[role]
    assert selectors.can_download(actors[role], pending)


@pytest.mark.parametrize("role", OUTSIDERS)
def test_others_may_neither_generate_nor_read(pending, actors, role):
    services.generate_agreement(actor=actors["enterprise"], dispatch=pending)

    with pytest.raises(PermissionRefused):
        services.generate_agreement(actor=actors[role], dispatch=pending)
    with pytest.raises(PermissionRefused):
        download(actors[role], pending)
    assert not selectors.can_download(actors[role], pending)
    assert AgreementDocument.objects.count() == 1


def test_a_researcher_who_is_not_the_commissioner_is_refused(pending, actors, unit):
    from techbridge.accounts.models import Role
    from tests import factories

    stranger = factories.UserFactory(role=Role.RESEARCHER, organisation=unit)
    factories.ResearcherFactory(unit=unit, user=stranger)
    services.generate_agreement(actor=actors["enterprise"], dispatch=pending)

    with pytest.raises(PermissionRefused):
        download(stranger, pending)
    with pytest.raises(PermissionRefused):
        services.generate_agreement(actor=stranger, dispatch=pending)


def test_no_agreement_before_the_publication_has_passed(flow, actors):
    dispatch = flow.to("dispatch", DS.IN_PUBLICATION)

    with pytest.raises(InvalidState, match="once the publication has passed"):
        services.generate_agreement(actor=actors["enterprise"], dispatch=dispatch)
    with pytest.raises(PermissionRefused):
        download(actors["enterprise"], dispatch)
    assert not AgreementDocument.objects.exists()


def test_download_before_generation_is_not_found(pending, actors):
    with pytest.raises(NotFound):
        download(actors["enterprise"], pending)


def test_unknown_format_is_refused(pending, actors):
    services.generate_agreement(actor=actors["enterprise"], dispatch=pending)
    with pytest.raises(ValidationFailed):
        download(actors["enterprise"], pending, "odt")


def test_a_new_version_keeps_the_number_until_a_party_confirms(pending, actors):
    first = services.generate_agreement(actor=actors["enterprise"], dispatch=pending)
    second = services.generate_agreement(actor=actors["city_bureau"], dispatch=pending)

    assert (second.number, second.version) == (first.number, 2)
    assert selectors.document_for(pending) == second
    assert f"{first.number} v2" in docx_text(download(actors["unit"], pending))

    confirm(actors, pending, "enterprise")
    with pytest.raises(InvalidState, match="already confirmed"):
        services.generate_agreement(actor=actors["unit"], dispatch=pending)
    assert selectors.documents_of(pending).count() == 2


def test_after_all_three_confirmed_the_agreement_is_final(pending, actors):
    document = services.generate_agreement(actor=actors["enterprise"], dispatch=pending)
    confirm(actors, pending, "enterprise", "researcher", "unit")
    assert pending.state == DS.IN_SERVICE

    with pytest.raises(InvalidState, match="final"):
        services.generate_agreement(actor=actors["province_admin"], dispatch=pending)
    assert selectors.document_for(pending) == document
    text = docx_text(download(actors["researcher"], pending))
    assert text.count("Confirmed on the platform") == 3
    assert "Not yet confirmed" not in text
    assert document.content_sha256 in text


def test_a_cancelled_dispatch_keeps_its_agreement_readable_but_frozen(pending, actors):
    document = services.generate_agreement(actor=actors["enterprise"], dispatch=pending)
    dispatch_services.transition(
        obj=pending, action="cancel", actor=actors["city_bureau"], comment="企业放弃派驻"
    )
    pending.refresh_from_db()

    with pytest.raises(InvalidState):
        services.generate_agreement(actor=actors["enterprise"], dispatch=pending)
    assert document.number in docx_text(download(actors["unit"], pending))
    with pytest.raises(PermissionRefused):
        download(actors["other_unit"], pending)


def test_the_signature_blocks_show_who_has_confirmed(pending, actors):
    services.generate_agreement(actor=actors["enterprise"], dispatch=pending)
    confirm(actors, pending, "enterprise")

    # Table cells wrap their lines in the PDF.
    text = " ".join(pdf_text(download(actors["enterprise"], pending, "pdf")).split())
    assert text.count("Confirmed on the platform") == 1
    assert text.count("Not yet confirmed") == 2


def test_generation_and_every_download_are_audited(pending, actors):
    demand = pending.enterprise_application.demand
    demand.confidentiality = Demand.Confidentiality.INVITED
    demand.save()
    document = services.generate_agreement(actor=actors["enterprise"], dispatch=pending)
    created = AuditEntry.objects.get(
        action=AuditEntry.Action.CREATE,
        object_type="agreements.agreementdocument",
        object_id=str(document.pk),
    )
    assert created.actor == actors["enterprise"]

    services.export_agreement(
        user=actors["unit"], dispatch=pending, file_format="pdf", ip_address="10.0.0.7"
    )

    export = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert export.actor == actors["unit"]
    assert export.object_type == "agreements.agreementdocument"
    assert export.object_id == str(document.pk)
    assert export.detail["format"] == "pdf"
    assert export.ip_address == "10.0.0.7"
    protected = AuditEntry.objects.get(action=AuditEntry.Action.VIEW_PROTECTED)
    assert (protected.actor, protected.object_id) == (actors["unit"], str(demand.pk))
    assert protected.detail == {"channel": "agreement"}
    assert verify_chain() is None


def test_a_refused_download_is_not_audited(pending, actors):
    services.generate_agreement(actor=actors["enterprise"], dispatch=pending)
    with pytest.raises(PermissionRefused):
        download(actors["auditor"], pending)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_the_file_name_carries_the_number_and_the_enterprise(pending, actors):
    document = services.generate_agreement(actor=actors["enterprise"], dispatch=pending)
    exported = services.export_agreement(
        user=actors["enterprise"], dispatch=pending, file_format="docx"
    )
    assert exported.filename.endswith(".docx")
    assert document.number in exported.filename
    assert "青岛海纳新材料有限公司" in exported.filename
