"""The "Bước n/total" total never grows as a citizen answers: a step waiting on an answer not yet
given is counted until the answer hides it (issue 11: "5/8 becomes 5/10")."""

from __future__ import annotations

import itertools

import pytest

from kiosk.catalog import Service, load_catalog
from kiosk.flow.state import FlowState, FormState, Phase

CATALOG = load_catalog()


def conditioned(service: Service) -> dict[str, set[str]]:
    """Each field a step's `when` looks at, with the values that show some step, plus one that
    shows none."""
    fields: dict[str, set[str]] = {}
    for step in service.steps:
        if step.when is not None:
            fields.setdefault(step.when.field_id, {"(another answer)"}).update(step.when.values)
    return fields


def total(service: Service, values: dict[str, str]) -> int:
    return FlowState(phase=Phase.STEP, service=service, form=FormState(values=values)).step_count


SERVICES = [s for s in CATALOG.services if conditioned(s)]


def test_some_services_have_conditional_steps() -> None:
    assert len(SERVICES) >= 2  # else the test below proves nothing


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.code)
def test_answering_never_adds_to_the_total(service: Service) -> None:
    fields = conditioned(service)
    for order in itertools.permutations(fields):
        for answers in itertools.product(*(sorted(fields[f]) for f in order)):
            values: dict[str, str] = {}
            before = total(service, values)
            for field_id, answer in zip(order, answers, strict=True):
                values[field_id] = answer
                after = total(service, values)
                assert after <= before, f"{service.code}: {field_id}={answer} made {before} into {after}"
                before = after
            active = FlowState(phase=Phase.STEP, service=service, form=FormState(values=values)).active_steps
            assert before == len(active)  # all answered: the total is the steps asked
