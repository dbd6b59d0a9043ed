"""Organisations in the admin, searchable by name and credit code."""

from __future__ import annotations

from django.contrib import admin

from techbridge.orgs.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "region",
        "credit_code",
        "industry",
        "size",
        "is_high_tech",
        "is_tech_sme",
        "verification_status",
    )
    list_filter = (
        "kind",
        "verification_status",
        "size",
        "is_high_tech",
        "is_tech_sme",
        "region__parent",
    )
    # Verification decisions go through the bureau's queue, which audits and notifies.
    readonly_fields = ("verification_status", "verification_reason", "verified_at", "submitted_at")
    search_fields = ("name", "credit_code", "contact_name")
    autocomplete_fields = ("region", "industry", "authorised_managers")
    list_select_related = ("region", "industry")
