"""Every role against every action, refusals included, from a table written out by hand here (not
derived from `kiosk.permissions`), so a permission granted by mistake fails."""

from __future__ import annotations

import pytest

from kiosk.permissions import PERMISSIONS, Action, NotAllowed, Role, may, require

OF, H, T = Role.OFFICER, Role.STATION_HEAD, Role.TECHNICIAN

EXPECTED: dict[Action, set[Role]] = {
    Action.MANAGE_OFFICERS: {H},
    Action.CHANGE_STATUS: {OF, H},
    Action.VIEW_PERSONAL_DATA: {OF, H},
    Action.ASSIST: {OF, H},
    Action.EXPORT_DOSSIER: {OF, H},
    Action.EXPORT_REPORT: {H},
    Action.CONFIRM_PAYMENT: {OF, H},
    Action.REPRINT: {OF, H, T},
    Action.ANSWER_CALL: {OF, H},
    Action.VIEW_STATISTICS: {OF, H},
    Action.VIEW_HEALTH: {OF, H, T},
    Action.LEAVE_KIOSK: {H, T},
    Action.VIEW_AUDIT: {H},
    Action.EDIT_SETTINGS: {H},
    Action.VIEW_PROVINCE: {OF, H},  # at the hub, and only for accounts of the whole province
    Action.SET_COMMUNE_TARGETS: {H},
}


def test_the_table_covers_every_action_and_role() -> None:
    assert set(EXPECTED) == set(Action)
    assert set(PERMISSIONS) == set(Role)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_may(role: Role, action: Action) -> None:
    allowed = role in EXPECTED[action]
    assert may(role, action) is allowed
    if allowed:
        require(role, action)
    else:
        with pytest.raises(NotAllowed) as refused:
            require(role, action)
        assert refused.value.role is role and refused.value.action is action
        assert "may not" in str(refused.value)


def test_a_technician_never_sees_citizens_data() -> None:
    assert (
        str(NotAllowed(T, Action.VIEW_PERSONAL_DATA)) == "a technician may not view citizens' personal data"
    )
