"""Contact pages: the inbox of each role, one contact with its timeline, answer buttons, contact
details, terms, thread and cooperations, and the invite / interest buttons other pages post to.

Thin: who sees what comes from ``contacts.selectors``, every change goes through
``contacts.services``; a refusal comes back as a message or a form error with nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from techbridge.audit.services import client_ip
from techbridge.contacts import selectors, services
from techbridge.contacts.forms import (
    BOXES,
    ContactFilterForm,
    ContactForm,
    CooperationForm,
    MessageForm,
    StepForm,
)
from techbridge.contacts.models import Contact, Message
from techbridge.core.errors import TechBridgeError
from techbridge.core.forms import add_service_error
from techbridge.core.http import AuthenticatedHttpRequest
from techbridge.core.pagination import paginate
from techbridge.demands.selectors import demands_visible_to
from techbridge.talent.models import Researcher, Team


@login_required
def contact_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = ContactFilterForm(request.GET or None)
    box = form.cleaned_data["box"] if form.is_valid() else ""
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    contacts = selectors.contacts_visible_to(user)
    if box == "waiting":
        contacts = selectors.waiting_for(user)
    elif box == "sent":
        contacts = selectors.sent_by_side(user)
    elif box == "accepted":
        contacts = contacts.filter(state=Contact.State.ACCEPTED)
    elif box == "closed":
        contacts = contacts.filter(~Q(state__in=Contact.LIVE_STATES))
    if kind:
        contacts = contacts.filter(kind=kind)
    page = paginate(contacts, request.GET.get("page"))
    context = {
        "form": form,
        "box": box,
        "page_obj": page,
        "waiting_count": selectors.waiting_for(user).count(),
        "boxes": BOXES,
    }
    return render(request, "contacts/list.html", context)


def _visible(request: AuthenticatedHttpRequest, pk: int) -> Contact:
    return get_object_or_404(selectors.contacts_visible_to(request.user), pk=pk)


@login_required
def contact_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    contact = services.open_contact(actor=user, contact=_visible(request, pk))
    return _detail_page(request, contact)


def _detail_page(
    request: AuthenticatedHttpRequest,
    contact: Contact,
    *,
    step_form: StepForm | None = None,
    message_form: MessageForm | None = None,
    cooperation_form: CooperationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    side = selectors.side_of(user, contact)
    thread = None
    if selectors.can_read_thread(user, contact):
        thread = services.messages_for(user=user, contact=contact, ip_address=client_ip(request))
    context = {
        "contact": contact,
        "side": side,
        "steps": selectors.steps_open_to(user, contact),
        "next_step": selectors.next_step_text(contact),
        "events": contact.events.select_related("actor"),
        "details": selectors.details_of_other_side(user, contact),
        "needs_terms": side == selectors.RESEARCHER
        and contact.is_accepted
        and selectors.needs_terms(contact),
        "thread": thread,
        "can_write": selectors.can_write_thread(user, contact),
        "cooperations": contact.cooperations.select_related("recorded_by"),
        "step_form": step_form or StepForm(),
        "message_form": message_form or MessageForm(),
        "cooperation_form": cooperation_form or CooperationForm(),
        "applications": contact.dispatch_applications.select_related("round")
        if side == selectors.ENTERPRISE or selectors.administers_contact(user, contact)
        else [],
    }
    return render(request, "contacts/detail.html", context, status=status)


def _submit(
    request: AuthenticatedHttpRequest,
    pk: int,
    form: Any,
    form_key: str,
    run: Callable[[Contact, dict[str, Any]], Any],
    success: str,
    anchor: str = "",
) -> HttpResponse:
    """One form of the contact page: valid input goes to the service; a refusal, or invalid
    input, shows the page again with the form's errors beside its fields and nothing changed."""
    contact = _visible(request, pk)
    if form.is_valid():
        try:
            run(contact, form.cleaned_data)
        except TechBridgeError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, success)
            return redirect(contact.get_absolute_url() + anchor)
    contact.refresh_from_db()
    return _detail_page(request, contact, status=422, **{form_key: form})


@login_required
@require_POST
def contact_step(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        StepForm(request.POST),
        "step_form",
        lambda contact, data: services.transition(
            actor=request.user,
            contact=contact,
            step=data["step"],
            reason=data["reason"],
            note=data["note"],
            ip_address=client_ip(request),
        ),
        _("Done."),
    )


@login_required
@require_POST
def contact_accept_terms(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = _visible(request, pk)
    try:
        services.accept_terms(actor=request.user, contact=contact, ip_address=client_ip(request))
    except TechBridgeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("You accepted the non-disclosure terms; the contact details are shown.")
        )
    return redirect(contact.get_absolute_url())


@login_required
@require_POST
def contact_message(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        MessageForm(request.POST, request.FILES),
        "message_form",
        lambda contact, data: services.post_message(
            actor=request.user,
            contact=contact,
            body=data["body"],
            attachment=data["attachment"],
            ip_address=client_ip(request),
        ),
        _("The message was sent."),
        "#thread",
    )


@login_required
def message_attachment(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    message = get_object_or_404(Message.objects.select_related("contact"), pk=pk)
    contact = _visible(request, message.contact_id)
    if not selectors.can_read_thread(request.user, contact) or not message.attachment:
        raise Http404(_("No such attachment."))
    services.record_attachment_download(
        user=request.user, message=message, ip_address=client_ip(request)
    )
    return FileResponse(
        message.attachment.open("rb"), as_attachment=True, filename=message.attachment_name
    )


@login_required
@require_POST
def contact_cooperation(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _submit(
        request,
        pk,
        CooperationForm(request.POST),
        "cooperation_form",
        lambda contact, data: services.record_cooperation(
            actor=request.user,
            contact=contact,
            kind=data["kind"],
            happened_on=data["happened_on"],
            note=data["note"],
            ip_address=client_ip(request),
        ),
        _("The cooperation was recorded."),
    )


def _back(request: AuthenticatedHttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def _started(
    request: AuthenticatedHttpRequest, start: Any, fallback: str, button_id: str
) -> HttpResponse:
    """Run ``start`` (an invitation or an interest); answer an htmx button with its new face, a
    plain form with a redirect and a message."""
    form = ContactForm(request.POST)
    error = ""
    contact = None
    if not form.is_valid():
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    else:
        try:
            contact = start(form.cleaned_data["message"])
        except TechBridgeError as exc:
            error = exc.message
    if request.htmx:
        return render(
            request,
            "contacts/_started.html",
            {"contact": contact, "error": error, "button_id": button_id},
            status=200 if contact else 422,
        )
    if contact is None:
        messages.error(request, error)
        return _back(request, fallback)
    messages.success(request, _("Sent. You will be told when they answer."))
    return redirect(contact.get_absolute_url())


@login_required
@require_POST
def invite(request: AuthenticatedHttpRequest, demand_pk: int) -> HttpResponse:
    demand = get_object_or_404(demands_visible_to(request.user), pk=demand_pk)
    researcher_id = request.POST.get("researcher", "")
    team_id = request.POST.get("team", "")
    researcher = (
        Researcher.objects.filter(pk=researcher_id).first() if researcher_id.isdigit() else None
    )
    team = (
        Team.objects.select_related("leader").filter(pk=team_id).first()
        if team_id.isdigit()
        else None
    )
    button_id = f"team-{team_id}" if team_id else f"researcher-{researcher_id}"
    return _started(
        request,
        lambda message: services.invite(
            actor=request.user,
            demand=demand,
            researcher=researcher,
            team=team,
            message=message,
            ip_address=client_ip(request),
        ),
        reverse("demands:detail", args=[demand.pk]),
        button_id,
    )


@login_required
@require_POST
def express_interest(request: AuthenticatedHttpRequest, demand_pk: int) -> HttpResponse:
    demand = get_object_or_404(demands_visible_to(request.user), pk=demand_pk)
    return _started(
        request,
        lambda message: services.express_interest(
            actor=request.user, demand=demand, message=message, ip_address=client_ip(request)
        ),
        reverse("demands:detail", args=[demand.pk]),
        f"interest-{demand.pk}",
    )
