"""Pages of the dispatch programme: rounds and their rules, the three kinds of application with
their forms and step buttons, the queues of each role, and the public notice (公示) page.

Thin: what a user may list or open comes from ``dispatch.selectors`` (a page the user may not see
answers 404, as for records that do not exist); the buttons shown are the steps
``selectors.actions_available`` allows; every change goes through ``dispatch.services``, which
checks again. A refused step is reported with the service's reason and changes nothing: a wrong
party gets a 403 page, a wrong state, phase or input a message on the page it came from.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from techbridge.accounts.models import Role
from techbridge.accounts.permissions import region_prefix
from techbridge.audit.services import client_ip
from techbridge.contacts import selectors as contact_selectors
from techbridge.contacts.models import Contact
from techbridge.core.errors import InvalidState, PermissionRefused, TechBridgeError
from techbridge.core.forms import add_service_error
from techbridge.core.http import AuthenticatedHttpRequest
from techbridge.core.pagination import paginate
from techbridge.demands import selectors as demand_selectors
from techbridge.demands import services as demand_services
from techbridge.demands.models import Demand
from techbridge.dispatch import eligibility, selection, selectors, services, units
from techbridge.dispatch import workflow as wf
from techbridge.dispatch.forms import (
    CommissionerApplicationForm,
    EnterpriseApplicationForm,
    ObjectionForm,
    ResolveObjectionForm,
    RoundForm,
    RuleForm,
    StepForm,
)
from techbridge.dispatch.models import (
    CommissionerApplication,
    Dispatch,
    EnterpriseApplication,
    Meeting,
    Objection,
    Phase,
    Round,
)
from techbridge.orgs.models import Organisation
from techbridge.refdata.models import Region

EA = EnterpriseApplication.State
CA = CommissionerApplication.State
DS = Dispatch.State

VISIBLE = {
    EnterpriseApplication.KIND: selectors.enterprise_applications_visible_to,
    CommissionerApplication.KIND: selectors.commissioner_applications_visible_to,
    Dispatch.KIND: selectors.dispatches_visible_to,
}
AGREEMENT_PANEL = "agreements/_panel.html"


def _visible(queryset: QuerySet[Any], pk: int) -> Any:
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- index and rounds ---------------------------------------------------------------------------


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    visible = selectors.applications_visible_to(request.user)
    context = {
        "rounds": selectors.rounds_visible_to(request.user)[:20],
        "enterprise_applications": visible.enterprise[:50],
        "commissioner_applications": visible.commissioner[:50],
        "dispatches": visible.dispatch[:50],
        "can_open_round": _may_open_rounds(request.user),
        "selection": selection.selection_home(request.user),
    }
    return render(request, "dispatch/index.html", context)


def _administered_regions(user: Any) -> QuerySet[Region]:
    """The provinces and cities a round may be opened for by ``user``."""
    regions = Region.objects.filter(level__in=(Region.Level.PROVINCE, Region.Level.CITY))
    if user.is_superuser:
        return regions.order_by("code")
    prefix = region_prefix(user) if user.role == Role.PROVINCE_ADMIN else None
    if prefix is None:
        return regions.none()
    return regions.filter(code__startswith=prefix).order_by("code")


def _may_open_rounds(user: Any) -> bool:
    return user.is_superuser or (user.role == Role.PROVINCE_ADMIN and user.region_id is not None)


@login_required
def round_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    rounds = selectors.rounds_visible_to(request.user)
    page = paginate(rounds, request.GET.get("page"))
    context = {"page_obj": page, "can_open_round": _may_open_rounds(request.user)}
    return render(request, "dispatch/round_list.html", context)


def _round(request: AuthenticatedHttpRequest, pk: int) -> Round:
    return _visible(selectors.rounds_visible_to(request.user), pk)


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not _may_open_rounds(request.user):
        raise PermissionRefused(_("Only a provincial administrator opens rounds."))
    regions = _administered_regions(request.user)
    initial: dict[str, Any] = dict(services.default_dates(timezone.localdate()))
    initial.update(
        publication_days=5,
        enforce_phases=True,
        commissioners_per_enterprise=1,
        enterprises_per_commissioner=1,
        region=regions.first(),
    )
    form = RoundForm(request.POST or None, regions=regions, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        dates = {k: data.pop(k) for k in list(data) if k.endswith(("_opens", "_closes"))}
        try:
            round_ = services.open_round(
                actor=request.user, region=form.cleaned_data["region"], dates=dates, **data
            )
        except PermissionRefused:
            raise
        except TechBridgeError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The round was opened with the default rules."))
            return redirect("dispatch:round", pk=round_.pk)
    return render(request, "dispatch/round_form.html", {"form": form, "round": None})


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    services.require_round_admin(request.user, round_)
    form = RoundForm(request.POST or None, instance=round_)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_round(actor=request.user, round_=round_, data=form.service_data())
        except PermissionRefused:
            raise
        except TechBridgeError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The round was saved."))
            return redirect("dispatch:round", pk=round_.pk)
    return render(request, "dispatch/round_form.html", {"form": form, "round": round_})


@login_required
def round_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The round's dashboard: its phases, quotas, rules and what is in each state."""
    user = request.user
    round_ = _round(request, pk)
    today = timezone.localdate()
    phases = [
        {
            "label": label,
            "opens": round_.window(phase)[0],
            "closes": round_.window(phase)[1],
            "current": round_.is_in_phase(phase, today),
        }
        for phase, label in Phase.choices
    ]
    context = {
        "round": round_,
        "phases": phases,
        "counts": [
            (kind, _kind_label(kind), _list_url(kind), states)
            for kind, states in selectors.state_counts(user, round_)
        ],
        "rules": [(rule, eligibility.RULES[rule.code]) for rule in _rules(round_)],
        "can_administer": services.can_administer_round(user, round_.region),
        "can_apply": bool(demand_selectors.enterprises_acted_for(user))
        and round_.status == Round.Status.OPEN,
        "own_application": EnterpriseApplication.objects.filter(
            round=round_, enterprise__in=demand_selectors.enterprises_acted_for(user)
        ).first(),
        "notices": selectors.publication_notices(round_=round_).count(),
        **_selection_links(user, round_),
    }
    return render(request, "dispatch/round_detail.html", context)


def _selection_links(user: Any, round_: Round) -> dict[str, Any]:
    """The two-way selection pages of ``round_`` that ``user`` may use: an enterprise ranks its
    candidates, a researcher the enterprises applied to, the administrator runs the selection."""
    home = selection.selection_home(user)
    return {
        "rank_candidates": [a for a in home.enterprise_applications if a.round_id == round_.pk],
        "rank_enterprises": any(r.pk == round_.pk for r in home.researcher_rounds),
        "run_selection": any(r.pk == round_.pk for r in home.administered_rounds),
    }


def _rules(round_: Round) -> list[Any]:
    return [r for r in round_.rules.all() if r.code in eligibility.RULES]


def _kind_label(kind: str) -> Any:
    return {
        EnterpriseApplication.KIND: _("Enterprise applications"),
        CommissionerApplication.KIND: _("Commissioner applications"),
        Dispatch.KIND: _("Dispatches"),
    }[kind]


def _list_url(kind: str) -> str:
    return reverse(
        {
            EnterpriseApplication.KIND: "dispatch:enterprise_applications",
            CommissionerApplication.KIND: "dispatch:commissioner_applications",
            Dispatch.KIND: "dispatch:dispatches",
        }[kind]
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_rules(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    services.require_round_admin(request.user, round_)
    rules = _rules(round_)
    forms = {rule.code: RuleForm.for_rule(rule) for rule in rules}
    if request.method == "POST":
        code = request.POST.get("rule", "")
        rule = next((r for r in rules if r.code == code), None)
        if rule is None:
            messages.error(request, _("Unknown eligibility rule."))
            return redirect("dispatch:round_rules", pk=round_.pk)
        form = RuleForm.for_rule(rule, request.POST)
        forms[code] = form
        if form.is_valid():
            try:
                services.update_rule(
                    actor=request.user,
                    round_=round_,
                    code=code,
                    enabled=form.cleaned_data["enabled"],
                    params=form.params(),
                )
            except PermissionRefused:
                raise
            except TechBridgeError as exc:
                add_service_error(form, exc)
            else:
                messages.success(
                    request,
                    _("The rule “%(rule)s” was saved.") % {"rule": eligibility.RULES[code].label},
                )
                return redirect("dispatch:round_rules", pk=round_.pk)
    context = {
        "round": round_,
        "rules": [(rule, eligibility.RULES[rule.code], forms[rule.code]) for rule in rules],
    }
    return render(request, "dispatch/round_rules.html", context)


@login_required
@require_POST
def round_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    try:
        services.close_round(actor=request.user, round_=round_)
    except PermissionRefused:
        raise
    except TechBridgeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The round was closed."))
    return redirect("dispatch:round", pk=round_.pk)


# --- lists and queues -------------------------------------------------------------------------


def _filtered(request: AuthenticatedHttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
    round_id = _int_or_none(request.GET.get("round"))
    if round_id is not None:
        queryset = queryset.filter(round_id=round_id)
    state = request.GET.get("state", "")
    if state in queryset.model.State.values:
        queryset = queryset.filter(state=state)
    return queryset


def _list_context(request: AuthenticatedHttpRequest, queryset: QuerySet[Any]) -> dict[str, Any]:
    page = paginate(_filtered(request, queryset), request.GET.get("page"))
    round_id = _int_or_none(request.GET.get("round"))
    return {
        "page_obj": page,
        "states": queryset.model.State.choices,
        "state": request.GET.get("state", ""),
        "rounds": selectors.rounds_visible_to(request.user),
        "round_id": round_id,
    }


@login_required
def enterprise_application_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Enterprise applications the user may see: the city bureau's queue (``?state=submitted``),
    the province's approved ones to send, the ones sent to the units for researchers."""
    user = request.user
    context = _list_context(request, selectors.enterprise_applications_visible_to(user))
    rows = []
    for application in context["page_obj"]:
        actions = [s.action for s in selectors.actions_available(application, user)]
        rows.append(
            {
                "object": application,
                "demand": demand_selectors.mask(application.demand, details_visible=False),
                "can_send": "send_to_units" in actions,
            }
        )
    context["rows"] = rows
    context["can_send_any"] = any(row["can_send"] for row in rows)
    return render(request, "dispatch/enterprise_application_list.html", context)


@login_required
def commissioner_application_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A researcher's own applications; a unit's queue (``?state=submitted``)."""
    context = _list_context(request, selectors.commissioner_applications_visible_to(request.user))
    return render(request, "dispatch/commissioner_application_list.html", context)


@login_required
def dispatch_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = _list_context(request, selectors.dispatches_visible_to(request.user))
    return render(request, "dispatch/dispatch_list.html", context)


@login_required
@require_POST
def send_to_units(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The province sends the selected approved applications to the units, one step each."""
    visible = selectors.enterprise_applications_visible_to(request.user)
    ids = [i for i in (_int_or_none(v) for v in request.POST.getlist("applications")) if i]
    if not ids:
        messages.error(request, _("Select at least one application to send."))
    sent = 0
    for application in visible.filter(pk__in=ids):
        try:
            services.transition(obj=application, action="send_to_units", actor=request.user)
        except TechBridgeError as exc:
            messages.error(request, f"{application.enterprise.name}: {exc.message}")
        else:
            sent += 1
    if sent:
        messages.success(request, _("%(n)d application(s) were sent to the units.") % {"n": sent})
    default = reverse("dispatch:enterprise_applications") + "?state=approved"
    return redirect(_next_url(request, default))


# --- one application or dispatch ---------------------------------------------------------------


def _timeline_rows(obj: Any) -> list[dict[str, Any]]:
    states = dict(type(obj).State.choices)
    rows = []
    for entry in selectors.timeline(obj):
        step = wf.TABLE.get((obj.KIND, entry.action))
        rows.append(
            {
                "entry": entry,
                "action": step.label if step else _("Created"),
                "from": states.get(entry.from_state, entry.from_state),
                "to": states.get(entry.to_state, entry.to_state),
            }
        )
    return rows


STEP_URLS = {
    EnterpriseApplication.KIND: "dispatch:enterprise_application_step",
    CommissionerApplication.KIND: "dispatch:commissioner_application_step",
    Dispatch.KIND: "dispatch:dispatch_step",
}


def _page(
    request: AuthenticatedHttpRequest, obj: Any, template: str, extra: dict[str, Any]
) -> HttpResponse:
    context = {
        "object": obj,
        "kind": obj._meta.verbose_name,
        "timeline": _timeline_rows(obj),
        "actions": selectors.actions_available(obj, request.user),
        "step_url": reverse(STEP_URLS[obj.KIND], args=[obj.pk]),
        **extra,
    }
    return render(request, template, context)


def _demand_fields(request: AuthenticatedHttpRequest, demand: Demand) -> dict[str, Any]:
    """The demand as this user may see it; protected details only when entitled (and logged)."""
    details_visible = demand_selectors.can_see_details(request.user, demand)
    if details_visible:
        demand_services.record_detail_view(
            user=request.user, demand=demand, channel="web", ip_address=client_ip(request)
        )
    return demand_selectors.mask(demand, details_visible=details_visible)


def _editable_demands(user: Any) -> QuerySet[Demand]:
    return (
        demand_selectors.demands_visible_to(user)
        .filter(enterprise__in=demand_selectors.enterprises_acted_for(user))
        .exclude(status=Demand.Status.CLOSED)
        .select_related("enterprise")
    )


def _can_edit_enterprise_application(user: Any, application: EnterpriseApplication) -> bool:
    return application.state in (EA.DRAFT, EA.RETURNED) and demand_selectors.can_act_for(
        user, application.enterprise
    )


@login_required
def enterprise_application(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    application = _visible(selectors.enterprise_applications_visible_to(user), pk)
    own = None
    conflict = None
    if user.role == Role.RESEARCHER:
        own = CommissionerApplication.objects.filter(
            enterprise_application=application, researcher__user=user
        ).first()
        researcher = getattr(user, "researcher", None)
        if researcher is not None:
            conflict = eligibility.pair_conflict(researcher, application.enterprise)
    results = selectors.eligibility_results(application)
    return _page(
        request,
        application,
        "dispatch/enterprise_application.html",
        {
            "demand": _demand_fields(request, application.demand),
            "eligibility": results,
            "eligibility_failed": [r for r in results if not r.passed],
            "can_edit": _can_edit_enterprise_application(user, application),
            "can_apply": user.role == Role.RESEARCHER
            and own is None
            and conflict is None
            and application.state == EA.DISPATCHED,
            "conflict": conflict,
            "own_application": own,
            "candidates": selectors.commissioner_applications_visible_to(user).filter(
                enterprise_application=application
            ),
            "dispatches": selectors.dispatches_visible_to(user).filter(
                enterprise_application=application
            ),
            **_units_context(user, application),
        },
    )


def _units_context(user: Any, application: EnterpriseApplication) -> dict[str, Any]:
    """The units the application goes to; for the province, before sending, the engine's
    suggestions to confirm or edit."""
    context: dict[str, Any] = {"target_units": list(application.target_units.all())}
    chooses = (
        application.state == EA.APPROVED
        and wf.party_refusal(user, wf.Party.PROVINCE, wf.subject_of(application)) is None
    )
    if chooses:
        chosen = {unit.pk for unit in context["target_units"]}
        suggestions = units.suggest_units(application)
        context["unit_choices"] = [
            {"suggestion": s, "checked": not chosen or s.unit.pk in chosen} for s in suggestions
        ]
    return context


@login_required
@require_POST
def choose_units(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The province confirms or edits the units an approved application will be sent to."""
    application = _visible(selectors.enterprise_applications_visible_to(request.user), pk)
    ids = [i for i in (_int_or_none(v) for v in request.POST.getlist("units")) if i]
    try:
        units.set_target_units(
            actor=request.user,
            application=application,
            units=Organisation.objects.filter(pk__in=ids, kind=Organisation.Kind.UNIT),
        )
    except PermissionRefused:
        raise
    except TechBridgeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The units were chosen; send the application when ready."))
    return redirect(application.get_absolute_url() + "#units")


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_application_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    round_ = _round(request, pk)
    if not demand_selectors.enterprises_acted_for(user):
        raise PermissionRefused(
            _(
                "Only an enterprise, or a technology manager it authorised, applies to host a "
                "commissioner."
            )
        )
    existing = EnterpriseApplication.objects.filter(
        round=round_, enterprise__in=demand_selectors.enterprises_acted_for(user)
    ).first()
    demands = _editable_demands(user)
    contact = _contact_from(request)
    form = EnterpriseApplicationForm(
        request.POST or None,
        demands=demands,
        initial={"demand": contact.demand_id} if contact else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.create_enterprise_application(
                actor=user,
                round_=round_,
                demand=form.cleaned_data["demand"],
                conditions_committed=form.cleaned_data["conditions_committed"],
                conditions=form.cleaned_data["conditions"],
                contact=contact,
            )
        except PermissionRefused:
            raise
        except TechBridgeError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The application was saved as a draft. Check the eligibility, then submit it."),
            )
            return redirect(application.get_absolute_url())
    context = {
        "form": form,
        "round": round_,
        "application": None,
        "existing": existing,
        "contact": contact,
    }
    return render(request, "dispatch/enterprise_application_form.html", context)


def _contact_from(request: AuthenticatedHttpRequest) -> Contact | None:
    """The accepted contact an application is started from (``?contact=`` or the form's hidden
    field), among those the user is the enterprise side of."""
    raw = request.POST.get("contact") or request.GET.get("contact") or ""
    if not raw.isdigit():
        return None
    contact = contact_selectors.contacts_visible_to(request.user).filter(pk=raw).first()
    if contact is None or contact_selectors.side_of(request.user, contact) != "enterprise":
        return None
    return contact


@login_required
def apply_from_contact(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """From an accepted contact to an application in an open round of the enterprise's region:
    straight to the prefilled form when one round is open, a choice when several are."""
    contact = get_object_or_404(contact_selectors.contacts_visible_to(request.user), pk=pk)
    if contact_selectors.side_of(request.user, contact) != "enterprise":
        raise PermissionRefused(_("Only the enterprise of the contact applies for a commissioner."))
    if not contact.is_accepted:
        raise InvalidState(_("An application follows an accepted contact."))
    rounds = selectors.rounds_open_for(contact.demand.enterprise)
    if len(rounds) == 1:
        return redirect(f"{reverse('dispatch:apply', args=[rounds[0].pk])}?contact={contact.pk}")
    return render(
        request, "dispatch/apply_from_contact.html", {"contact": contact, "rounds": rounds}
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_application_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    application = _visible(selectors.enterprise_applications_visible_to(user), pk)
    if not demand_selectors.can_act_for(user, application.enterprise):
        raise PermissionRefused(
            _("You do not act for %(enterprise)s.") % {"enterprise": application.enterprise}
        )
    form = EnterpriseApplicationForm(
        request.POST or None,
        demands=_editable_demands(user).filter(enterprise=application.enterprise),
        initial={
            "demand": application.demand_id,
            "conditions_committed": application.conditions_committed,
            "conditions": application.conditions,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_enterprise_application(
                actor=user, application=application, data=form.cleaned_data
            )
        except PermissionRefused:
            raise
        except TechBridgeError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The application was saved."))
            return redirect(application.get_absolute_url())
    context = {"form": form, "round": application.round, "application": application}
    return render(request, "dispatch/enterprise_application_form.html", context)


@login_required
def commissioner_application(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    application = _visible(selectors.commissioner_applications_visible_to(user), pk)
    results = selectors.eligibility_results(application)
    return _page(
        request,
        application,
        "dispatch/commissioner_application.html",
        {
            "eligibility": results,
            "eligibility_failed": [r for r in results if not r.passed],
            "can_edit": application.state == CA.DRAFT and application.researcher.user_id == user.pk,
            "dispatch": Dispatch.objects.filter(commissioner_application=application).first(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def commissioner_application_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    enterprise_application = _visible(selectors.enterprise_applications_visible_to(user), pk)
    if user.role != Role.RESEARCHER or getattr(user, "researcher", None) is None:
        raise PermissionRefused(_("Only researchers with a profile may apply as commissioners."))
    form = CommissionerApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.create_commissioner_application(
                actor=user,
                enterprise_application=enterprise_application,
                statement=form.cleaned_data["statement"],
                plan=form.cleaned_data["plan"],
            )
            if "submit" in request.POST:
                application = services.transition(obj=application, action="submit", actor=user)
        except PermissionRefused:
            raise
        except TechBridgeError as exc:
            add_service_error(form, exc)
            existing = CommissionerApplication.objects.filter(
                enterprise_application=enterprise_application, researcher__user=user
            ).first()
            if existing is not None:
                # Saved as a draft, but the submission was refused: show it with the reason.
                messages.error(request, exc.message)
                return redirect(existing.get_absolute_url())
        else:
            if application.state == CA.SUBMITTED:
                messages.success(request, _("Your application was submitted to your unit."))
            else:
                messages.success(request, _("Your application was saved as a draft."))
            return redirect(application.get_absolute_url())
    context = {
        "form": form,
        "enterprise_application": enterprise_application,
        "demand": demand_selectors.mask(enterprise_application.demand, details_visible=False),
        "application": None,
        "eligibility": eligibility.check_commissioner(
            round_=enterprise_application.round, researcher=user.researcher
        ),
    }
    return render(request, "dispatch/commissioner_application_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def commissioner_application_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    application = _visible(selectors.commissioner_applications_visible_to(user), pk)
    if application.researcher.user_id != user.pk:
        raise PermissionRefused(_("This is another researcher's application."))
    form = CommissionerApplicationForm(
        request.POST or None, initial={"statement": application.statement, "plan": application.plan}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_commissioner_application(
                actor=user, application=application, data=form.cleaned_data
            )
        except PermissionRefused:
            raise
        except TechBridgeError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your application was saved."))
            return redirect(application.get_absolute_url())
    context = {
        "form": form,
        "enterprise_application": application.enterprise_application,
        "demand": demand_selectors.mask(
            application.enterprise_application.demand, details_visible=False
        ),
        "application": application,
        "eligibility": selectors.eligibility_results(application),
    }
    return render(request, "dispatch/commissioner_application_form.html", context)


def _agreement_links(dispatch: Dispatch) -> dict[str, Any]:
    """The agreements app's panel and document link, when that app is installed."""
    try:
        get_template(AGREEMENT_PANEL)
        panel = True
    except TemplateDoesNotExist:
        panel = False
    try:
        url = reverse("agreements:document", args=[dispatch.pk])
    except NoReverseMatch:
        url = ""
    return {"agreement_panel": AGREEMENT_PANEL if panel else "", "agreement_url": url}


@login_required
def dispatch_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    dispatch = _visible(selectors.dispatches_visible_to(user), pk)
    objections = list(dispatch.objections.all())
    agreement = _agreement_links(dispatch)
    actions = selectors.actions_available(dispatch, user)
    if agreement["agreement_panel"]:
        # The agreements panel offers the confirmation next to the document it applies to.
        actions = [s for s in actions if s.action != "confirm_agreement"]
    may_resolve = wf.is_party(user, wf.Party.PROVINCE, wf.subject_of(dispatch))
    return _page(
        request,
        dispatch,
        "dispatch/dispatch.html",
        {
            "objections": objections,
            "may_resolve": may_resolve,
            "resolve_form": ResolveObjectionForm(),
            "open_meetings": Meeting.objects.filter(
                enterprise_application=dispatch.enterprise_application, outcome=""
            ).exclude(pk=dispatch.meeting_id or 0),
            "confirmations": [
                (_("Enterprise"), dispatch.enterprise_confirmed_at),
                (_("Commissioner"), dispatch.commissioner_confirmed_at),
                (_("Dispatching unit"), dispatch.unit_confirmed_at),
            ],
            "demand": demand_selectors.mask(
                dispatch.enterprise_application.demand, details_visible=False
            ),
            **agreement,
            "actions": actions,
        },
    )


# --- taking a step -------------------------------------------------------------------------------


def step_params(obj: Any, action: str, data: dict[str, Any]) -> dict[str, Any]:
    """The details ``action`` takes, from a form's or an API call's fields (others dropped)."""
    if action == "schedule_meeting":
        meeting_id = _int_or_none(data.get("meeting"))
        if meeting_id is not None:
            meeting = Meeting.objects.filter(
                pk=meeting_id, enterprise_application_id=obj.enterprise_application_id
            ).first()
            return {"meeting": meeting if meeting is not None else meeting_id}
        return {"scheduled_at": data.get("scheduled_at"), "place": data.get("place") or ""}
    if action == "hold_meeting":
        return {"outcome": data.get("outcome") or "", "notes": data.get("notes") or ""}
    if action in ("select", "not_select"):
        return {"method": data.get("method") or "override"}
    return {}


def take_step(*, obj: Any, action: str, actor: Any, comment: str, params: dict[str, Any]) -> Any:
    """One step through the services; selecting by hand is an override with its reason."""
    if action == "select" and isinstance(obj, CommissionerApplication):
        services.record_selection(
            actor=actor, application=obj, method=params.get("method", "override"), comment=comment
        )
        obj.refresh_from_db()
        return obj
    return services.transition(obj=obj, action=action, actor=actor, comment=comment, **params)


@login_required
@require_POST
def step(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    obj = _visible(VISIBLE[kind](request.user), pk)
    form = StepForm(request.POST)
    back = _next_url(request, obj.get_absolute_url())
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    action = form.cleaned_data["action"]
    try:
        label = wf.find_step(kind, action).label
        take_step(
            obj=obj,
            action=action,
            actor=request.user,
            comment=form.cleaned_data["comment"],
            params=step_params(obj, action, form.cleaned_data),
        )
    except PermissionRefused:
        raise
    except TechBridgeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": label})
    return redirect(back)


@login_required
@require_POST
def objection_resolve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    objection = Objection.objects.filter(pk=pk).first()
    if objection is None:
        raise Http404
    dispatch = _visible(selectors.dispatches_visible_to(request.user), objection.dispatch_id)
    form = ResolveObjectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a resolution and explain it."))
        return redirect(dispatch.get_absolute_url())
    try:
        services.resolve_objection(
            actor=request.user,
            objection=objection,
            resolution=form.cleaned_data["resolution"],
            comment=form.cleaned_data["comment"],
        )
    except PermissionRefused:
        raise
    except TechBridgeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The objection was resolved."))
    return redirect(dispatch.get_absolute_url())


# --- the public notice (公示): no sign-in --------------------------------------------------------


def publication(request: HttpRequest) -> HttpResponse:
    """The pairings in their publication period, for anyone, with a link to object."""
    round_id = _int_or_none(request.GET.get("round"))
    round_ = Round.objects.filter(pk=round_id).first() if round_id else None
    if round_id and round_ is None:
        raise Http404
    context = {
        "round": round_,
        "notices": selectors.publication_notices(round_=round_),
    }
    return render(request, "dispatch/publication.html", context)


@require_http_methods(["GET", "POST"])
def objection_create(request: HttpRequest, pk: int) -> HttpResponse:
    dispatch = selectors.publication_notices().filter(pk=pk).first()
    if dispatch is None:
        raise Http404(_("This pairing is not in its publication period."))
    signed_in = request.user.is_authenticated
    form = ObjectionForm(request.POST or None, signed_in=signed_in)
    if request.method == "POST" and form.is_valid():
        try:
            services.lodge_objection(
                dispatch=dispatch,
                reason=form.cleaned_data["reason"],
                actor=request.user if signed_in else None,
                contact=form.cleaned_data["contact"],
            )
        except TechBridgeError as exc:
            add_service_error(form, exc)
        else:
            # Redirect so that reloading the confirmation does not lodge the objection twice.
            return redirect("dispatch:objection_lodged", pk=dispatch.pk)
    return render(request, "dispatch/objection_form.html", {"form": form, "dispatch": dispatch})


def objection_lodged(request: HttpRequest, pk: int) -> HttpResponse:
    dispatch = Dispatch.objects.select_related("round").filter(pk=pk).first()
    if dispatch is None:
        raise Http404
    return render(request, "dispatch/objection_lodged.html", {"dispatch": dispatch})
