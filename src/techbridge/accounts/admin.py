"""Users with their role, organisation and region; API tokens (hashes only, never editable)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "display_name",
        "role",
        "organisation",
        "region",
        "is_active",
        "last_login",
    )
    list_filter = ("role", "is_active", "is_staff", "region__parent")
    search_fields = ("username", "display_name", "email", "organisation__name")
    autocomplete_fields = ("organisation", "region")
    list_select_related = ("organisation", "region")
    fieldsets = (
        # Typed Optional on ModelAdmin; Django's UserAdmin always sets it.
        *(DjangoUserAdmin.fieldsets or ()),
        (_("TechBridge"), {"fields": ("role", "organisation", "region", "display_name", "phone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("TechBridge"), {"fields": ("role", "organisation", "region", "display_name")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = ("user", "name", "prefix", "token_hash", "created_at", "last_used_at")

    def has_add_permission(self, request, obj=None) -> bool:  # tokens come from the UI/API
        return False
