"""The home page's panels.

Each domain app registers what its part of a user's home page shows (``register_panel`` in its
``AppConfig.ready``): a template and a function that returns the template's context for a user,
or None when the panel is not for them. The core app, a floor below the domain apps, renders
them without importing any of them.

A panel sits at the ``top`` (notices), in the ``grid`` of figure cards, or in the ``main``
column below it; within a place, panels follow their ``order``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Place = Literal["top", "grid", "main"]
PLACES: tuple[Place, ...] = ("top", "grid", "main")


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    build: Callable[[Any], dict[str, Any] | None]
    place: Place = "grid"
    order: int = 100


@dataclass(frozen=True)
class ShownPanel:
    template: str
    context: dict[str, Any]


_PANELS: dict[str, Panel] = {}


def register_panel(
    name: str,
    *,
    template: str,
    build: Callable[[Any], dict[str, Any] | None],
    place: Place = "grid",
    order: int = 100,
) -> None:
    """Add (or, under the same name, replace) a panel of the home page."""
    if place not in PLACES:
        raise ValueError(f"Unknown place {place!r}; expected one of {PLACES}.")
    _PANELS[name] = Panel(name=name, template=template, build=build, place=place, order=order)


def panels_for(user: Any) -> dict[str, list[ShownPanel]]:
    """The panels ``user`` sees, by place, in order."""
    shown: dict[str, list[ShownPanel]] = {place: [] for place in PLACES}
    for panel in sorted(_PANELS.values(), key=lambda p: (p.order, p.name)):
        context = panel.build(user)
        if context is not None:
            shown[panel.place].append(ShownPanel(panel.template, context))
    return shown
