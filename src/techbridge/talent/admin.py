"""The talent pool in the admin: researchers with their achievements inline, and teams."""

from __future__ import annotations

from django.contrib import admin

from techbridge.talent.models import Achievement, Researcher, Team


class AchievementInline(admin.TabularInline):
    model = Achievement
    extra = 0
    fields = ("kind", "title", "year", "reference")


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
    inlines = [AchievementInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "leader")
    search_fields = ("name", "unit__name", "leader__name")
    autocomplete_fields = ("unit", "leader", "members")
    list_select_related = ("unit", "leader")
