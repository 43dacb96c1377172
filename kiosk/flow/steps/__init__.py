"""The registry of step kinds: every module of this package exporting `KIND` is one.

A new step kind is a new module here plus its screen (`ui/screens/<kind>.py`); the catalog
accepts its name and the window finds its screen by that name.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping

from kiosk.flow.steps.base import StepKind


def _discover() -> dict[str, StepKind]:
    kinds: dict[str, StepKind] = {}
    for module in pkgutil.iter_modules(__path__):
        kind = getattr(importlib.import_module(f"{__name__}.{module.name}"), "KIND", None)
        if isinstance(kind, StepKind):
            if kind.name != module.name:
                raise ImportError(f"step kind {kind.name!r} must live in {__name__}.{kind.name}")
            kinds[kind.name] = kind
    return kinds


KINDS: Mapping[str, StepKind] = _discover()
STEP_KINDS: tuple[str, ...] = tuple(sorted(KINDS))


def kind_of(name: str) -> StepKind:
    return KINDS[name]
