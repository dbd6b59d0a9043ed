"""The upload form of the import page: a file, the organisation to import into, a dry-run box."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from techbridge.accounts.models import Role
from techbridge.core.errors import ValidationFailed
from techbridge.imports import selectors
from techbridge.imports.models import ImportRun
from techbridge.imports.parsing import check_file
from techbridge.orgs.models import Organisation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ORGANISATION_LABELS: dict[str, StrOrPromise] = {
    ImportRun.Kind.RESEARCHERS: _("Import into the unit"),
    ImportRun.Kind.DEMANDS: _("Import for the enterprise"),
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("An .xlsx workbook or a .csv file (UTF-8 or GBK), at most 10,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        queryset=None, label=_("Organisation")
    )
    dry_run = forms.BooleanField(label=_("Dry run: check every row, save nothing"), required=False)
    # Names the progress of this upload, which the page polls while the import runs.
    progress_token = forms.RegexField(
        regex=r"^[0-9a-f]{32}$", required=False, widget=forms.HiddenInput()
    )

    def __init__(self, *args: Any, kind: str, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", kind)
        kwargs.setdefault("initial", {"progress_token": uuid.uuid4().hex})
        super().__init__(*args, **kwargs)
        self.kind = kind
        targets = selectors.import_targets(user, kind)
        field = cast("forms.ModelChoiceField[Organisation]", self.fields["organisation"])
        field.queryset = targets
        field.label = ORGANISATION_LABELS[kind]
        if not user.is_superuser and user.role != Role.TECH_MANAGER:
            # A unit or an enterprise imports into its own organisation: nothing to choose.
            only = targets.first()
            field.initial = only.pk if only else None
            field.widget = forms.HiddenInput()

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        try:
            check_file(file_name=upload.name, size=upload.size)
        except ValidationFailed as exc:
            raise forms.ValidationError(exc.message) from None
        return upload
