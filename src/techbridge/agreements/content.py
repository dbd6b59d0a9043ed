"""What the three-party agreement says: the snapshot of every party's data and every clause.

``build_snapshot`` reads the dispatch, its round, the enterprise application with its demand,
the commissioner application with the researcher and their unit, and writes everything the
document shows as plain text in one language (the site's default, Chinese, whatever the language
of the user who generates it). The DOCX and PDF templates only lay it out, so the two files say
the same thing and a version's text never changes after it was generated.

The duties of the commissioner and of the host enterprise and the dispatching unit follow the
source document (seeds/004: 四、工作任务; 六、驻点企业资格条件; 八、保障措施 (二)(三)).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from techbridge.demands.models import Demand
from techbridge.dispatch.models import Dispatch

# The service lasts this long from the agreement's entry into force; the annual evaluation
# (section 八 (四)) decides whether it continues.
SERVICE_MONTHS = 12
EMPTY = "—"


def _text(value: Any) -> str:
    if value is None:
        return EMPTY
    text = str(value).strip()
    return text or EMPTY


def _date(value: Any) -> str:
    return value.isoformat() if value else EMPTY


def _rows(pairs: list[tuple[str, Any]]) -> list[list[str]]:
    return [[label, _text(value)] for label, value in pairs]


def _add_months(day: Any, months: int) -> Any:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def agreement_number(*, round_: Any, sequence: int) -> str:
    """The round's code (year of opening and round id) and the dispatch's sequence in it."""
    opened = round_.enterprise_applications_opens
    return f"TB{opened:%Y}-R{round_.pk:03d}-{sequence:04d}"


def fingerprint(snapshot: dict[str, Any]) -> str:
    body = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def _labels() -> dict[str, str]:
    return {
        "title": _("Agreement on the Enterprise Science and Technology Commissioner"),
        "subtitle": _(
            "Three-party agreement of the host enterprise, the commissioner and the "
            "dispatching unit"
        ),
        "number": _("Agreement number"),
        "version": _("Version"),
        "round": _("Round"),
        "parties": _("The parties"),
        "demand": _("The technical demand"),
        "signatures": _("Signatures"),
        "signature": _("Signature or seal"),
        "confirmed": _("Confirmed on the platform"),
        "not_confirmed": _("Not yet confirmed"),
        "fingerprint": _("Content fingerprint (SHA-256)"),
    }


def _article(number: int, title: str, paragraphs: list[str]) -> dict[str, Any]:
    heading = _("Article %(number)d. %(title)s") % {"number": number, "title": title}
    return {"heading": heading, "paragraphs": paragraphs}


def _confidentiality_paragraphs(demand: Demand) -> list[str]:
    level = demand.get_confidentiality_display()
    by_level = {
        Demand.Confidentiality.PUBLIC: _(
            "Party A published the demand openly, so its description is not secret; the "
            "information the parties exchange in the service is."
        ),
        Demand.Confidentiality.INVITED: _(
            "Party A disclosed the demand's details only to invited researchers who accepted the "
            "non-disclosure terms. Party B and Party C keep them confidential and disclose them "
            "to no third party."
        ),
        Demand.Confidentiality.CONFIDENTIAL: _(
            "Party A classified the demand as confidential: its details are disclosed only to the "
            "programme's administrators and to the parties of this agreement. Party B and Party C "
            "keep them strictly confidential, share them only with the people who need them for "
            "the service and disclose them to no third party."
        ),
    }
    return [
        _("Confidentiality level of the demand: %(level)s.") % {"level": level},
        by_level[Demand.Confidentiality(demand.confidentiality)],
        _(
            "Each party keeps confidential the technical information and business secrets it "
            "learns from the others in the service, uses them only for the service and discloses "
            "them to no third party without the written consent of the party they belong to. "
            "This obligation continues after the service ends."
        ),
    ]


def _service_period(dispatch: Dispatch) -> str:
    text = _(
        "The service lasts %(months)d months from the day on which the last of the three "
        "parties confirms this agreement on the platform, and may be renewed after the annual "
        "evaluation."
    ) % {"months": SERVICE_MONTHS}
    if dispatch.service_started_at is not None:
        starts = timezone.localdate(dispatch.service_started_at)
        ends = _add_months(starts, SERVICE_MONTHS)
        text += " " + _("The service runs from %(starts)s to %(ends)s.") % {
            "starts": starts.isoformat(),
            "ends": ends.isoformat(),
        }
    return text


def _articles(dispatch: Dispatch, data: dict[str, Any]) -> list[dict[str, Any]]:
    application = dispatch.enterprise_application
    candidate = dispatch.commissioner_application
    demand = application.demand
    names = {
        "enterprise": data["parties"]["enterprise"]["name"],
        "commissioner": data["parties"]["commissioner"]["name"],
        "unit": data["parties"]["unit"]["name"],
        "round": data["round"]["name"],
        "period": data["round"]["period"],
        "region": data["round"]["region"],
        "demand": demand.title,
    }
    enterprise_duties = [
        _(
            "Party A arranges a suitable post for Party B with clear duties and provides the "
            "working and living conditions the service needs."
        ),
        _(
            "Party A provides the supporting research conditions and the production and R&D "
            "information Party B needs to work on the demand."
        ),
        _(
            "Party A evaluates Party B's work (technical problems solved, innovation platforms "
            "built, core products developed, innovation capacity raised) and submits the "
            "evaluation materials to the city science bureau."
        ),
        _(
            "Where Party A concludes a technology development or transfer contract with Party C "
            "and receives a technology transaction subsidy for it, Party A is encouraged to "
            "reward Party B with no less than 10 per cent of the subsidy."
        ),
        _(
            "Party A may ask Party B for regular reports on the service and may ask the city "
            "science bureau to review a commissioner who does not fulfil these duties."
        ),
    ]
    if application.conditions.strip():
        enterprise_duties.insert(
            1,
            _("The post and conditions Party A offered: %(conditions)s")
            % {"conditions": application.conditions.strip()},
        )
    commissioner_rights = [
        _(
            "Party B keeps their post, salary and personnel relations at Party C during the "
            "service, and is entitled to the working conditions Party A provides and to the "
            "recognition and rewards of the programme."
        ),
        _(
            "Party B abides by the requirements of research integrity and by Party A's rules, "
            "including its safety rules, keeps a log of the service on the platform and takes "
            "part in the annual evaluation."
        ),
    ]
    if candidate.plan.strip():
        commissioner_rights.insert(
            0,
            _("Party B follows the service plan they submitted: %(plan)s")
            % {"plan": candidate.plan.strip()},
        )
    return [
        _article(
            1,
            _("Purpose"),
            [
                _(
                    "In the round “%(round)s” (%(period)s, %(region)s) of the enterprise science "
                    "and technology commissioner programme, %(enterprise)s (Party A) hosts "
                    "%(commissioner)s (Party B), of %(unit)s (Party C), as its science and "
                    "technology commissioner for the technical demand “%(demand)s”, after the "
                    "city bureau's review, the meeting of both sides, filing with the province "
                    "and publication. The three parties conclude this agreement to set out their "
                    "responsibilities, rights and obligations."
                )
                % names
            ],
        ),
        _article(2, _("Service period"), [_service_period(dispatch)]),
        _article(
            3,
            _("Duties of the commissioner (Party B)"),
            [
                _(
                    "Survey Party A's technical needs and help it set its technology development "
                    "strategy: gather information on new processes, technologies and products "
                    "and on markets, and analyse the key and common technical problems to solve."
                ),
                _(
                    "Help Party A cooperate with universities and research institutes: find "
                    "strong scientific resources at home and abroad that fit its needs and build "
                    "a lasting mechanism of industry-university-research cooperation."
                ),
                _(
                    "Solve technical problems in production and R&D and raise the "
                    "competitiveness of Party A's products, drawing on Party C's research, "
                    "education and talent."
                ),
                _(
                    "Help build joint innovation platforms (R&D centres, engineering and "
                    "technology research centres, testing centres, demonstration bases) and "
                    "raise Party A's capacity for independent innovation."
                ),
                _(
                    "Strengthen Party A's R&D team and train talent jointly, for example through "
                    "a commissioner workstation, a postdoctoral workstation or an internship "
                    "base."
                ),
                _(
                    "Help Party A improve its technology innovation system and its management of "
                    "knowledge and technology, with intellectual property at its core."
                ),
            ],
        ),
        _article(
            4, _("Rights and obligations of the host enterprise (Party A)"), enterprise_duties
        ),
        _article(5, _("Rights and obligations of the commissioner (Party B)"), commissioner_rights),
        _article(
            6,
            _("Rights and obligations of the dispatching unit (Party C)"),
            [
                _(
                    "Party C creates the conditions for Party B to complete the assignment and "
                    "recognises the service in Party B's workload, evaluation and promotion "
                    "according to its incentive measures."
                ),
                _(
                    "Party C supports Party A's innovation with its people, research results and "
                    "platforms along the direction of the cooperation."
                ),
                _(
                    "Party C may ask Party A and Party B for information on the service and may "
                    "recall Party B, with notice to the city science bureau, if the conditions "
                    "agreed here are not provided."
                ),
            ],
        ),
        _article(7, _("Confidentiality obligations"), _confidentiality_paragraphs(demand)),
        _article(
            8,
            _("Intellectual property"),
            [
                _(
                    "Intellectual property that a party owned before this agreement remains its "
                    "own; using it in the service grants the others no right to it unless they "
                    "agree in writing."
                ),
                _(
                    "Ownership, use and sharing of the benefits of intellectual property created "
                    "in the service are agreed in a technology contract between Party A and "
                    "Party C before the work begins; where no contract provides for them, the "
                    "provisions on technology contracts of the Civil Code of the People's "
                    "Republic of China apply."
                ),
                _(
                    "Party B has the right to be named as inventor or author of the results "
                    "they create."
                ),
            ],
        ),
        _article(
            9,
            _("Evaluation and termination"),
            [
                _(
                    "The city science bureau evaluates Party B every year on the basis of Party "
                    "A's evaluation materials and this agreement and reports the result to the "
                    "provincial department; a commissioner eliminated in the evaluation (the "
                    "last-place elimination rule) leaves the service and this agreement ends."
                ),
                _(
                    "The three parties may end this agreement early by written consent of all of "
                    "them, reported to the city science bureau."
                ),
            ],
        ),
        _article(
            10,
            _("Entry into force"),
            [
                _(
                    "This agreement takes effect when all three parties have confirmed it on the "
                    "platform; each party's confirmation time is shown in the signature block. "
                    "Every copy carries the same number and content fingerprint."
                ),
                _(
                    "Matters this agreement does not cover are settled by consultation among the "
                    "three parties; a dispute that consultation does not settle may be brought to "
                    "the city science bureau for mediation."
                ),
            ],
        ),
    ]


def _parties(dispatch: Dispatch) -> dict[str, dict[str, Any]]:
    application = dispatch.enterprise_application
    enterprise = application.enterprise
    researcher = dispatch.commissioner_application.researcher
    unit = researcher.unit
    title = researcher.title
    if researcher.title_level and researcher.title_level != "none":
        level = researcher.get_title_level_display()
        title = f"{title} ({level})" if title else level
    disciplines = "、".join(d.name for d in researcher.disciplines.order_by("code"))
    return {
        "enterprise": {
            "heading": _("Party A (host enterprise)"),
            "name": enterprise.name,
            "credit_code": enterprise.credit_code,
            "rows": _rows(
                [
                    (_("Name"), enterprise.name),
                    (_("Unified social credit code"), enterprise.credit_code),
                    (_("Address"), enterprise.address),
                    (_("Region"), enterprise.region.full_name),
                    (_("Contact person"), enterprise.contact_name),
                    (_("Contact phone"), enterprise.contact_phone),
                    (_("Contact e-mail"), enterprise.contact_email),
                ]
            ),
        },
        "commissioner": {
            "heading": _("Party B (commissioner)"),
            "name": researcher.name,
            "rows": _rows(
                [
                    (_("Full name"), researcher.name),
                    (_("Unit"), unit.name),
                    (_("Department"), researcher.department),
                    (_("Professional title"), title),
                    (_("Degree"), researcher.get_degree_display()),
                    (_("Disciplines"), disciplines),
                    (_("Phone"), researcher.phone),
                    (_("E-mail"), researcher.email),
                ]
            ),
        },
        "unit": {
            "heading": _("Party C (dispatching unit)"),
            "name": unit.name,
            "rows": _rows(
                [
                    (_("Name"), unit.name),
                    (_("Address"), unit.address),
                    (_("Region"), unit.region.full_name),
                    (_("Contact person"), unit.contact_name),
                    (_("Contact phone"), unit.contact_phone),
                ]
            ),
        },
    }


def _demand_rows(demand: Demand) -> list[list[str]]:
    budget: str = EMPTY
    if demand.budget_min is not None or demand.budget_max is not None:
        budget = f"{_text(demand.budget_min)} – {_text(demand.budget_max)}"
    return _rows(
        [
            (_("Title"), demand.title),
            (_("Industry"), demand.industry),
            (_("Cooperation mode"), demand.get_cooperation_mode_display()),
            (_("Summary"), demand.summary),
            (_("Description"), demand.description),
            (_("Expected outcome"), demand.expected_outcome),
            (_("Keywords"), "、".join(demand.keywords or [])),
            (_("Budget (10k yuan)"), budget),
            (_("Deadline"), _date(demand.deadline)),
            (_("Confidentiality"), demand.get_confidentiality_display()),
        ]
    )


def build_snapshot(
    *, dispatch: Dispatch, number: str, version: int, language: str
) -> dict[str, Any]:
    """Everything the agreement says, as text in ``language``."""
    round_ = dispatch.round
    demand = dispatch.enterprise_application.demand
    with override(language):
        data: dict[str, Any] = {
            "number": number,
            "version": version,
            "language": language,
            "labels": _labels(),
            "round": {
                "name": round_.name,
                "region": round_.region.full_name,
                "period": _("%(opens)s to %(closes)s")
                % {
                    "opens": round_.enterprise_applications_opens.isoformat(),
                    "closes": round_.publication_closes.isoformat(),
                },
            },
            "parties": _parties(dispatch),
            "demand": {
                "title": demand.title,
                "confidentiality": demand.confidentiality,
                "rows": _demand_rows(demand),
            },
        }
        data["articles"] = _articles(dispatch, data)
    return data
