from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "techbridge.dispatch"
    verbose_name = _("Commissioner dispatch")

    def ready(self) -> None:
        from techbridge.audit.display import register_labels
        from techbridge.dispatch import workflow
        from techbridge.dispatch.models import (
            CommissionerApplication,
            Dispatch,
            EnterpriseApplication,
        )

        for model in (EnterpriseApplication, CommissionerApplication, Dispatch):

            def labeller(key: str, code: str, kind: str = model.KIND) -> object:
                """The audit page names the steps and parties of this workflow."""
                if key == "transition":
                    step = workflow.TABLE.get((kind, code))
                    return step.label if step is not None else None
                if key == "party" and code in workflow.Party.__members__.values():
                    return workflow.PARTY_LABELS[workflow.Party(code)]
                if key == "method":
                    return Dispatch(selection_method=code).selection_method_label
                return None

            register_labels(model._meta.label_lower, labeller)
