"""Web pages of the talent pool (人才库): researchers, their achievements, their declared
relations with enterprises (利益关联申报) and teams.

Thin: forms parse input, ``talent.selectors`` decide who sees what, ``talent.services`` change
state. A domain error escaping a view becomes an error page (core.middleware); errors on a form
are shown on the form. htmx requests aimed at a fragment get just that fragment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from techbridge.accounts.models import Role
from techbridge.core.errors import PermissionRefused, TechBridgeError
from techbridge.core.forms import add_service_error
from techbridge.core.http import AuthenticatedHttpRequest
from techbridge.core.pagination import paginate
from techbridge.talent import selectors, services
from techbridge.talent.forms import (
    AchievementForm,
    EnterpriseRelationForm,
    LinkAccountForm,
    ResearcherFilterForm,
    ResearcherForm,
    TeamFilterForm,
    TeamForm,
)
from techbridge.talent.models import Achievement, EnterpriseRelation, Researcher, Team

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _wants_fragment(request: AuthenticatedHttpRequest, target: str) -> bool:
    return bool(request.htmx) and request.htmx.target == target


# Researchers ------------------------------------------------------------------------------------


@login_required
@vary_on_headers("HX-Request", "HX-Target")
def researcher_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ResearcherFilterForm(request.GET)
    researchers = selectors.filter_researchers(request.user, form.filters()).prefetch_related(
        "disciplines"
    )
    page = paginate(researchers, request.GET.get("page"))
    for researcher in page:
        researcher.remaining = selectors.remaining_capacity(researcher)
    context = {"form": form, "page_obj": page}
    if _wants_fragment(request, "results"):
        return render(request, "talent/_researcher_results.html", context)
    units = selectors.units_managed_by(request.user)
    context.update(
        my_unit_id=request.user.organisation_id if request.user.role == Role.UNIT else None,
        may_add=units.exists(),
    )
    return render(request, "talent/researcher_list.html", context)


def _achievement_groups(researcher: Researcher) -> list[tuple[StrOrPromise, list[Achievement]]]:
    """Achievements under their kind, kinds in the order the model declares them."""
    by_kind: dict[str, list[Achievement]] = {}
    for achievement in researcher.achievements.all():
        by_kind.setdefault(achievement.kind, []).append(achievement)
    return [(label, by_kind[kind]) for kind, label in Achievement.Kind.choices if kind in by_kind]


def _achievements_context(
    request: AuthenticatedHttpRequest, researcher: Researcher, form: AchievementForm | None = None
) -> dict[str, Any]:
    return {
        "researcher": researcher,
        "achievement_groups": _achievement_groups(researcher),
        "may_manage": selectors.can_manage(request.user, researcher),
        "achievement_form": form or AchievementForm(),
    }


def _researcher_for(request: AuthenticatedHttpRequest, pk: int) -> Researcher:
    return get_object_or_404(selectors.researchers_visible_to(request.user), pk=pk)


@login_required
def researcher_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    researcher = _researcher_for(request, pk)
    context = _achievements_context(request, researcher)
    context.update(
        may_see_contact=selectors.can_see_contact(request.user, researcher),
        remaining=selectors.remaining_capacity(researcher),
        teams=researcher.teams.select_related("unit"),
        may_link=selectors.manages_unit(request.user, researcher.unit_id),
        link_form=LinkAccountForm(researcher=researcher),
    )
    if selectors.can_see_relations(request.user, researcher):
        context.update(relations=selectors.relations_of(researcher), may_see_relations=True)
        if context["may_manage"]:
            context["relation_form"] = EnterpriseRelationForm()
    return render(request, "talent/researcher_detail.html", context)


@login_required
def researcher_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    units = selectors.units_managed_by(request.user)
    if not units.exists():
        raise PermissionRefused(_("Only a dispatching unit may add researchers."))
    form = ResearcherForm(request.POST or None, units=units, may_record_integrity=True)
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data.get("unit") or units.get()
        try:
            researcher = services.create_researcher(
                actor=request.user, unit=unit, data=form.service_data()
            )
        except TechBridgeError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The researcher was added."))
            return redirect("talent:detail", pk=researcher.pk)
    return render(request, "talent/researcher_form.html", {"form": form, "researcher": None})


@login_required
def researcher_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    researcher = _researcher_for(request, pk)
    if not selectors.can_manage(request.user, researcher):
        raise PermissionRefused(_("You may not edit this profile."))
    form = ResearcherForm(
        request.POST or None,
        researcher=researcher,
        may_record_integrity=selectors.can_record_integrity(request.user, researcher),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_researcher(
                actor=request.user, researcher=researcher, data=form.service_data()
            )
        except TechBridgeError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The profile was saved."))
            return redirect("talent:detail", pk=researcher.pk)
    context = _achievements_context(request, researcher)
    context["form"] = form
    return render(request, "talent/researcher_form.html", context)


def _achievements_response(
    request: AuthenticatedHttpRequest, researcher: Researcher, form: AchievementForm | None = None
) -> HttpResponse:
    if request.htmx:
        return render(
            request,
            "talent/_achievements.html",
            _achievements_context(request, researcher, form),
        )
    if form is not None:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
    return redirect("talent:detail", pk=researcher.pk)


@login_required
@require_POST
def achievement_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    researcher = _researcher_for(request, pk)
    if not selectors.can_manage(request.user, researcher):
        raise PermissionRefused(_("You may not edit this profile."))
    form = AchievementForm(request.POST)
    if form.is_valid():
        try:
            services.add_achievement(
                actor=request.user, researcher=researcher, data=form.service_data()
            )
        except TechBridgeError as error:
            add_service_error(form, error)
        else:
            if not request.htmx:
                messages.success(request, _("The achievement was added."))
            return _achievements_response(request, researcher)
    return _achievements_response(request, researcher, form)


@login_required
@require_POST
def achievement_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    achievement = get_object_or_404(
        Achievement.objects.filter(
            researcher__in=selectors.researchers_visible_to(request.user)
        ).select_related("researcher__unit"),
        pk=pk,
    )
    researcher = achievement.researcher
    services.remove_achievement(actor=request.user, achievement=achievement)
    if not request.htmx:
        messages.success(request, _("The achievement was removed."))
    return _achievements_response(request, researcher)


@login_required
@require_POST
def link_account(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    researcher = _researcher_for(request, pk)
    form = LinkAccountForm(request.POST, researcher=researcher)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect("talent:detail", pk=researcher.pk)
    try:
        services.link_account(
            actor=request.user, researcher=researcher, user=form.cleaned_data["user"]
        )
    except PermissionRefused:
        raise
    except TechBridgeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The account link was saved."))
    return redirect("talent:detail", pk=researcher.pk)


@login_required
@require_POST
def relation_declare(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    researcher = _researcher_for(request, pk)
    if not selectors.can_manage(request.user, researcher):
        raise PermissionRefused(_("You may not edit this profile."))
    form = EnterpriseRelationForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect("talent:detail", pk=researcher.pk)
    try:
        services.declare_relation(actor=request.user, researcher=researcher, **form.service_data())
    except PermissionRefused:
        raise
    except TechBridgeError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The relation was declared."))
    return redirect("talent:detail", pk=researcher.pk)


@login_required
@require_POST
def relation_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    relation = get_object_or_404(
        EnterpriseRelation.objects.select_related("researcher"),
        pk=pk,
        researcher__in=selectors.researchers_visible_to(request.user),
    )
    if not selectors.can_see_relations(request.user, relation.researcher):
        raise Http404
    services.withdraw_relation(actor=request.user, relation=relation)
    messages.success(request, _("The relation was withdrawn."))
    return redirect("talent:detail", pk=relation.researcher_id)


# Teams ------------------------------------------------------------------------------------------


@login_required
@vary_on_headers("HX-Request", "HX-Target")
def team_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TeamFilterForm(request.GET)
    page = paginate(form.apply(selectors.teams_visible_to(request.user)), request.GET.get("page"))
    context = {"form": form, "page_obj": page}
    if _wants_fragment(request, "results"):
        return render(request, "talent/_team_results.html", context)
    context["may_add"] = selectors.units_managed_by(request.user).exists()
    return render(request, "talent/team_list.html", context)


@login_required
def team_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(selectors.teams_visible_to(request.user), pk=pk)
    keywords, disciplines = selectors.team_expertise(team)
    return render(
        request,
        "talent/team_detail.html",
        {
            "team": team,
            "members": team.members.select_related("unit").prefetch_related("disciplines"),
            "keywords": keywords,
            "disciplines": disciplines,
            "may_manage": selectors.can_manage_team(request.user, team),
        },
    )


def _save_team(
    request: AuthenticatedHttpRequest, form: TeamForm, unit: Any, team: Team | None
) -> Team | None:
    data = form.cleaned_data
    try:
        return services.save_team(
            actor=request.user,
            unit=unit,
            name=data["name"],
            members=list(data["members"]),
            leader=data["leader"],
            description=data["description"],
            team=team,
        )
    except TechBridgeError as error:
        add_service_error(form, error)
        return None


@login_required
def team_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    units = selectors.units_managed_by(request.user)
    if not units.exists():
        raise PermissionRefused(_("You may only manage teams of your own unit."))
    only_unit = units.get() if units.count() == 1 else None
    form = TeamForm(request.POST or None, units=units, unit=only_unit)
    if request.method == "POST" and form.is_valid():
        unit = only_unit or form.cleaned_data["unit"]
        team = _save_team(request, form, unit, None)
        if team is not None:
            messages.success(request, _("The team was saved."))
            return redirect("talent:team_detail", pk=team.pk)
    return render(request, "talent/team_form.html", {"form": form, "team": None})


@login_required
def team_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(selectors.teams_visible_to(request.user), pk=pk)
    if not selectors.can_manage_team(request.user, team):
        raise PermissionRefused(_("You may only manage teams of your own unit."))
    initial = {
        "name": team.name,
        "leader": team.leader_id,
        "description": team.description,
        "members": list(team.members.all()),
    }
    form = TeamForm(
        request.POST or None,
        initial=initial,
        units=selectors.units_managed_by(request.user),
        unit=team.unit,
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_team(request, form, team.unit, team)
        if saved is not None:
            messages.success(request, _("The team was saved."))
            return redirect("talent:team_detail", pk=team.pk)
    return render(request, "talent/team_form.html", {"form": form, "team": team})
