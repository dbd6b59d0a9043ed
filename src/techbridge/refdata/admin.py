"""The code tables in the admin: read-only (the loader owns them), searchable by code and name."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from techbridge.refdata.models import Discipline, Industry, Region


def level_filter(labels: dict[int, Any]) -> type[admin.SimpleListFilter]:
    """A list filter on ``level`` that shows what each level means instead of its number."""

    class LevelFilter(admin.SimpleListFilter):
        title = _("level")
        parameter_name = "level"

        def lookups(self, request, model_admin):
            return [(str(level), label) for level, label in labels.items()]

        def queryset(self, request, queryset):
            value = self.value()
            if value in {str(level) for level in labels}:
                return queryset.filter(level=int(value))
            return queryset

    return LevelFilter


class CodeTableAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    list_per_page = 200

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(CodeTableAdmin):
    list_filter = (level_filter(dict(Region.Level.choices)),)


@admin.register(Industry)
class IndustryAdmin(CodeTableAdmin):
    list_filter = (level_filter({1: _("Section (门类)"), 2: _("Division (大类)")}),)


@admin.register(Discipline)
class DisciplineAdmin(CodeTableAdmin):
    list_filter = (level_filter({1: _("First-level discipline (一级学科)")}),)
