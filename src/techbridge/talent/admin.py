"""The talent pool in the admin: researchers with their achievements and declared relations
with enterprises inline, the relations on their own, and teams."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from techbridge.talent.models import Achievement, EnterpriseRelation, JoinRequest, Researcher, Team


class AchievementInline(admin.TabularInline):
    model = Achievement
    extra = 0
    fields = ("kind", "title", "year", "reference")


class EnterpriseRelationInline(admin.TabularInline):
    model = EnterpriseRelation
    extra = 0
    fields = ("enterprise", "kind", "note", "declared_at", "declared_by")
    readonly_fields = ("declared_at", "declared_by")
    autocomplete_fields = ("enterprise",)


@admin.register(Researcher)
class ResearcherAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "unit",
        "title",
        "title_level",
        "degree",
        "region",
        "availability",
        "capacity",
        "has_integrity_record",
    )
    list_filter = (
        "title_level",
        "degree",
        "availability",
        "has_integrity_record",
        "region__parent",
        "disciplines",
    )
    search_fields = ("name", "unit__name", "email")
    autocomplete_fields = ("unit", "region", "user", "disciplines", "industries")
    list_select_related = ("unit", "region")
    inlines = [AchievementInline, EnterpriseRelationInline]


@admin.register(EnterpriseRelation)
class EnterpriseRelationAdmin(admin.ModelAdmin):
    list_display = ("researcher", "enterprise", "kind", "declared_at", "declared_by")
    list_filter = ("kind",)
    search_fields = ("researcher__name", "enterprise__name", "note")
    autocomplete_fields = ("researcher", "enterprise", "declared_by")
    readonly_fields = ("declared_at",)
    list_select_related = ("researcher", "enterprise", "declared_by")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "leader")
    search_fields = ("name", "unit__name", "leader__name")
    autocomplete_fields = ("unit", "leader", "members")
    list_select_related = ("unit", "leader")


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    """Read-only: invitations and decisions go through ``talent.joining``, which audits."""

    list_display = ("name", "unit", "kind", "status", "email", "created_at", "decided_at")
    list_filter = ("kind", "status")
    search_fields = ("name", "email", "unit__name")
    list_select_related = ("unit",)

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
