"""Notifications, preferences, to-dos and the digest log in the admin."""

from __future__ import annotations

from django.contrib import admin

from techbridge.notifications.models import DigestLog, Notification, NotificationPreference, Todo


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind", "created_at", "read_at", "digest", "emailed_at")
    list_filter = ("kind", "digest")
    search_fields = ("title", "recipient__username", "recipient__display_name")
    raw_id_fields = ("recipient",)
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email_digest", "immediate_email", "updated_at")
    list_filter = ("email_digest", "immediate_email")
    search_fields = ("user__username", "user__display_name")
    raw_id_fields = ("user",)
    exclude = ("unsubscribe_token",)


@admin.register(Todo)
class TodoAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "due", "created_at", "done_at")
    list_filter = ("done_at",)
    search_fields = ("title", "owner__username", "target_type", "target_id")
    raw_id_fields = ("owner",)


@admin.register(DigestLog)
class DigestLogAdmin(admin.ModelAdmin):
    list_display = ("user", "date", "sent_at", "notification_count")
    date_hierarchy = "date"
    raw_id_fields = ("user",)
