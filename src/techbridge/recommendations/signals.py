"""Receivers that keep the matching indexes in step and push newly published demands.

They only tell ``recommendations.services`` what changed; the work is done there (and in tasks
once the transaction commits). A demand created already published (imports, demo data) is not
pushed: only the transition of an existing demand to published is, as ``publish_demand`` does.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from techbridge.demands.models import Demand
from techbridge.recommendations import services
from techbridge.talent.models import Achievement, Researcher, Team


@receiver(post_save, sender=Researcher, dispatch_uid="recommendations.researcher_saved")
def researcher_saved(sender: Any, instance: Researcher, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        services.researcher_changed(researcher_id=instance.pk)


@receiver(post_delete, sender=Researcher, dispatch_uid="recommendations.researcher_deleted")
def researcher_deleted(sender: Any, instance: Researcher, **kwargs: Any) -> None:
    services.researcher_changed(researcher_id=instance.pk)


@receiver(post_save, sender=Achievement, dispatch_uid="recommendations.achievement_saved")
@receiver(post_delete, sender=Achievement, dispatch_uid="recommendations.achievement_deleted")
def achievement_changed(
    sender: Any, instance: Achievement, raw: bool = False, **kwargs: Any
) -> None:
    if not raw:
        services.researcher_changed(researcher_id=instance.researcher_id)


def _relations_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, Researcher):
        services.researcher_changed(researcher_id=instance.pk)
    elif isinstance(instance, Demand):
        services.demand_changed(demand_id=instance.pk)
    else:
        # Changed from the other side (a discipline's researchers): every listed profile.
        model = kwargs.get("model")
        for pk in kwargs.get("pk_set") or ():
            if model is Researcher:
                services.researcher_changed(researcher_id=pk)
            elif model is Demand:
                services.demand_changed(demand_id=pk)


for _through in (
    Researcher.disciplines.through,
    Researcher.industries.through,
    Demand.disciplines.through,
):
    m2m_changed.connect(
        _relations_changed, sender=_through, dispatch_uid=f"recommendations.{_through.__name__}"
    )


@receiver(pre_save, sender=Demand, dispatch_uid="recommendations.demand_before_save")
def demand_before_save(sender: Any, instance: Demand, raw: bool = False, **kwargs: Any) -> None:
    if raw or instance.pk is None:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and "status" not in update_fields:
        return
    instance._status_before_save = (  # type: ignore[attr-defined]
        Demand.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
    )


@receiver(post_save, sender=Demand, dispatch_uid="recommendations.demand_saved")
def demand_saved(sender: Any, instance: Demand, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    services.demand_changed(demand_id=instance.pk)
    before = getattr(instance, "_status_before_save", None)
    instance._status_before_save = None  # type: ignore[attr-defined]
    published = instance.status == Demand.Status.PUBLISHED
    if published and before is not None and before != Demand.Status.PUBLISHED:
        services.demand_published(demand=instance)


@receiver(post_delete, sender=Demand, dispatch_uid="recommendations.demand_deleted")
def demand_deleted(sender: Any, instance: Demand, **kwargs: Any) -> None:
    services.demand_changed(demand_id=instance.pk)


# --- what else the demand panels depend on (``services.demand_panel``) -----------------------


def _panel_input_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a user signing in changes nothing a panel shows
    services.panel_inputs_changed()


def _panel_input_deleted(sender: Any, **kwargs: Any) -> None:
    services.panel_inputs_changed()


def _panel_members_changed(sender: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        services.panel_inputs_changed()


# Declared relations and accounts' organisations (conflicts of interest), invitations (the
# "invited" badge), teams and their members, dispatches and their transitions (capacity). By
# name where the model is on a higher floor: this app does not import it.
for _model in (
    "talent.EnterpriseRelation",
    "talent.Team",
    "demands.DemandAccess",
    "accounts.User",
    "dispatch.Dispatch",
    "dispatch.Transition",
):
    post_save.connect(_panel_input_saved, sender=_model, dispatch_uid=f"panel.saved.{_model}")
    post_delete.connect(_panel_input_deleted, sender=_model, dispatch_uid=f"panel.deleted.{_model}")
m2m_changed.connect(
    _panel_members_changed, sender=Team.members.through, dispatch_uid="panel.team_members"
)
