"""Contacts in the admin: read-only, since every change of a contact goes through
``contacts.services`` (timeline, audit entry, notifications); the admin cannot skip them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from techbridge.contacts.models import Contact, ContactEvent, Cooperation


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):
    model = ContactEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "from_state", "to_state", "actor", "comment")
    readonly_fields = fields

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Contact)
class ContactAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "demand", "researcher", "team", "state", "updated_at")
    list_filter = ("kind", "state")
    search_fields = ("demand__title", "researcher__name", "team__name")
    inlines = [EventInline]


@admin.register(Cooperation)
class CooperationAdmin(ReadOnlyAdmin):
    list_display = ("contact", "kind", "happened_on", "recorded_by")
