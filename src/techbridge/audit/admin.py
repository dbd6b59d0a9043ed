"""The audit trail in the admin: readable and searchable, never editable."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from techbridge.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "actor",
        "action",
        "object_type",
        "object_id",
        "summary",
        "ip_address",
    )
    list_filter = ("action", "object_type", "created_at")
    search_fields = ("summary", "object_id", "actor__username", "actor__display_name")
    date_hierarchy = "created_at"
    list_select_related = ("actor",)
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        user = request.user
        return user.is_active and (user.is_superuser or getattr(user, "role", "") == "auditor")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)
