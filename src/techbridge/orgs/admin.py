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
    )
    list_filter = ("kind", "size", "is_high_tech", "is_tech_sme", "region__parent")
    search_fields = ("name", "credit_code", "contact_name")
    autocomplete_fields = ("region", "industry", "authorised_managers")
    list_select_related = ("region", "industry")
