"""Who may do what: officers' roles and the actions each role is allowed, as data.

The kiosk's officer mode and the station console ask `may(role, action)` before every action;
refusals are written to the audit log by the caller. A role not listed for an action is refused.
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    OFFICER = "officer"  # guides citizens, processes dossiers at the desk
    STATION_HEAD = "station_head"  # everything, officers' accounts and station settings included
    TECHNICIAN = "technician"  # keeps devices running; never sees citizens' data


class Action(enum.StrEnum):
    MANAGE_OFFICERS = "manage_officers"
    CHANGE_STATUS = "change_status"
    VIEW_PERSONAL_DATA = "view_personal_data"
    ASSIST = "assist"  # take over a citizen's session at the kiosk
    EXPORT_DOSSIER = "export_dossier"  # the filing help's JSON/PDF of one dossier
    EXPORT_REPORT = "export_report"  # statistics for upward reporting
    CONFIRM_PAYMENT = "confirm_payment"
    REPRINT = "reprint"  # a receipt again, or the waiting ones
    ANSWER_CALL = "answer_call"  # "Gọi cán bộ"
    VIEW_STATISTICS = "view_statistics"
    VIEW_HEALTH = "view_health"
    LEAVE_KIOSK = "leave_kiosk"  # out of full-screen kiosk mode to the desktop
    VIEW_AUDIT = "view_audit"  # view, verify and export the audit log
    EDIT_SETTINGS = "edit_settings"  # station name, help text, targets, catalog overlay
    VIEW_PROVINCE = "view_province"  # the province console: every station's queue, figures, health
    SET_COMMUNE_TARGETS = "set_commune_targets"  # a province head's monthly targets per commune


_CITIZEN_WORK = frozenset(
    {
        Action.CHANGE_STATUS,
        Action.VIEW_PERSONAL_DATA,
        Action.ASSIST,
        Action.EXPORT_DOSSIER,
        Action.CONFIRM_PAYMENT,
        Action.REPRINT,
        Action.ANSWER_CALL,
        Action.VIEW_STATISTICS,
        Action.VIEW_HEALTH,
        Action.VIEW_PROVINCE,
    }
)

# What only an account of the whole database may do (`Officer.station_id` None): at a province
# hub these see or change more than one station's work, so an account scoped to one station
# (an officer of commune A signed in at the hub) is refused them whatever its role.
WHOLE_DATABASE = frozenset(
    {
        Action.MANAGE_OFFICERS,
        Action.EDIT_SETTINGS,
        Action.VIEW_AUDIT,
        Action.VIEW_STATISTICS,
        Action.EXPORT_REPORT,
        Action.VIEW_PROVINCE,
        Action.SET_COMMUNE_TARGETS,
    }
)

PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.OFFICER: _CITIZEN_WORK,
    Role.STATION_HEAD: frozenset(Action),
    # Paper, reader and network: a receipt's reprint carries a name, but only on paper at the kiosk.
    Role.TECHNICIAN: frozenset({Action.VIEW_HEALTH, Action.REPRINT, Action.LEAVE_KIOSK}),
}


class NotAllowed(Exception):
    """An officer asked for an action their role does not allow; the message says which."""

    def __init__(self, role: Role, action: Action) -> None:
        super().__init__(f"a {ROLE_LABELS[role]} may not {ACTION_LABELS[action]}")
        self.role = role
        self.action = action


ROLE_LABELS: dict[Role, str] = {
    Role.OFFICER: "officer",
    Role.STATION_HEAD: "station head",
    Role.TECHNICIAN: "technician",
}

ACTION_LABELS: dict[Action, str] = {
    Action.MANAGE_OFFICERS: "manage officers' accounts",
    Action.CHANGE_STATUS: "change a dossier's status",
    Action.VIEW_PERSONAL_DATA: "view citizens' personal data",
    Action.ASSIST: "take over a citizen's session",
    Action.EXPORT_DOSSIER: "export a dossier",
    Action.EXPORT_REPORT: "export reports",
    Action.CONFIRM_PAYMENT: "confirm a payment",
    Action.REPRINT: "reprint receipts",
    Action.ANSWER_CALL: "answer a call for an officer",
    Action.VIEW_STATISTICS: "view statistics",
    Action.VIEW_HEALTH: "view device health",
    Action.LEAVE_KIOSK: "leave kiosk mode",
    Action.VIEW_AUDIT: "view the audit log",
    Action.EDIT_SETTINGS: "change station settings",
    Action.VIEW_PROVINCE: "view the province's stations",
    Action.SET_COMMUNE_TARGETS: "set communes' targets",
}


def may(role: Role, action: Action, station_scoped: bool = False) -> bool:
    """Whether `role` may do `action`; `station_scoped`: the account sees one station only."""
    if station_scoped and action in WHOLE_DATABASE:
        return False
    return action in PERMISSIONS[role]


def require(role: Role, action: Action) -> None:
    """Raise `NotAllowed` unless `role` may do `action`."""
    if not may(role, action):
        raise NotAllowed(role, action)
