"""Demands in the admin (administrators see every field, as the confidentiality rules allow)."""

from __future__ import annotations

from django.contrib import admin

from techbridge.demands.models import Demand, DemandAccess


class DemandAccessInline(admin.TabularInline):
    model = DemandAccess
    extra = 0
    autocomplete_fields = ("researcher", "invited_by")
    readonly_fields = ("invited_at",)


@admin.register(Demand)
class DemandAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "enterprise",
        "industry",
        "region",
        "cooperation_mode",
        "status",
        "confidentiality",
        "published_at",
    )
    list_filter = (
        "status",
        "confidentiality",
        "cooperation_mode",
        "industry__parent",
        "region__parent",
    )
    search_fields = ("title", "enterprise__name")
    autocomplete_fields = (
        "enterprise",
        "created_by",
        "industry",
        "disciplines",
        "region",
        "manager",
    )
    date_hierarchy = "published_at"
    list_select_related = ("enterprise", "industry", "region")
    inlines = [DemandAccessInline]
