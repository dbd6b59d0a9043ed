"""Notification pages: the list (htmx mark-read), the to-do list, e-mail preferences and the
sign-in-free unsubscribe page. Thin: reads through ``selectors``, changes through ``services``,
and every read is of the signed-in user's own rows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from techbridge.audit.services import client_ip
from techbridge.core.errors import NotFound
from techbridge.core.http import AuthenticatedHttpRequest
from techbridge.core.pagination import paginate
from techbridge.notifications import selectors, services
from techbridge.notifications.forms import PreferenceForm


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    qs = selectors.notifications_for(request.user, unread_only=unread_only)
    page = paginate(qs, request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page_obj": page, "unread_only": unread_only},
    )


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notification = services.mark_read(user=request.user, notification_id=pk)
    if request.htmx:
        return render(request, "notifications/_row.html", {"n": notification})
    return redirect("notifications:list")


@login_required
def notification_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Follow a notification's link, marking it read on the way."""
    notification = services.mark_read(user=request.user, notification_id=pk)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@login_required
def todo_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    todos = selectors.open_todos_for(request.user)
    done = selectors.todos_for(request.user).filter(done_at__isnull=False).order_by("-done_at")
    return render(
        request,
        "notifications/todos.html",
        {"todos": todos, "done": done[:20], "today": timezone.localdate()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    preference = selectors.preferences_for(request.user)
    form = PreferenceForm(request.POST or None, instance=preference)
    if request.method == "POST" and form.is_valid():
        services.update_preferences(
            user=request.user,
            email_digest=form.cleaned_data["email_digest"],
            immediate_email=form.cleaned_data["immediate_email"],
            immediate_sms=form.cleaned_data["immediate_sms"],
            ip_address=client_ip(request),
        )
        messages.success(request, _("Your e-mail preferences were saved."))
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "has_email": bool(request.user.email),
            "has_phone": bool(request.user.phone),
        },
    )


# The token is the credential and the change only ever switches e-mail off, so a cross-site
# POST can do no harm; mail clients send the RFC 8058 one-click POST without a CSRF token.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button (a GET must not change anything: mail scanners follow links);
    pressing it, or the mail client's one-click POST, unsubscribes and confirms."""
    if request.method == "POST":
        preference = services.unsubscribe(token=token, ip_address=client_ip(request))
        return render(request, "notifications/unsubscribed.html", {"preference": preference})
    if not selectors.unsubscribe_token_exists(token=token):
        raise NotFound(_("This unsubscribe link is not valid."))
    return render(request, "notifications/unsubscribe.html", {"token": token})
