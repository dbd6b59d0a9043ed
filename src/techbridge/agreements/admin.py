"""Read-only admin: versions are written only by ``agreements.services.generate_agreement``."""

from django.contrib import admin

from techbridge.agreements.models import AgreementDocument


@admin.register(AgreementDocument)
class AgreementDocumentAdmin(admin.ModelAdmin):
    list_display = ("number", "version", "dispatch", "generated_by", "generated_at")
    search_fields = ("number",)
    readonly_fields = [f.name for f in AgreementDocument._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
