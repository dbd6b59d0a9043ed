"""Read-mostly admin: states change only through ``dispatch.services.transition``."""

from django.contrib import admin

from techbridge.dispatch.models import (
    CommissionerApplication,
    Dispatch,
    EligibilityRule,
    EnterpriseApplication,
    Meeting,
    Objection,
    Round,
    Transition,
)


class EligibilityRuleInline(admin.TabularInline):
    model = EligibilityRule
    extra = 0


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "status", "created_at")
    list_filter = ("status",)
    inlines = [EligibilityRuleInline]


@admin.register(EnterpriseApplication)
class EnterpriseApplicationAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "round", "state", "submitted_at")
    list_filter = ("state", "round")
    readonly_fields = ("state",)


@admin.register(CommissionerApplication)
class CommissionerApplicationAdmin(admin.ModelAdmin):
    list_display = ("researcher", "enterprise_application", "state")
    list_filter = ("state", "round")
    readonly_fields = ("state",)


@admin.register(Dispatch)
class DispatchAdmin(admin.ModelAdmin):
    list_display = ("commissioner_application", "enterprise_application", "state")
    list_filter = ("state", "round")
    readonly_fields = ("state",)


admin.site.register(Meeting)
admin.site.register(Objection)


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "object_type", "object_id", "action", "from_state", "to_state")
    list_filter = ("object_type", "action")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
