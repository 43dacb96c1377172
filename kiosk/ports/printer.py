"""The printer interface the core depends on.

Backends implement `Printer`: `pdf` (files in a folder) now; `cups` (a queue, job ids) and `escpos`
(raster to a thermal printer) later. Everything here is plain Python: statuses and jobs are frozen
dataclasses, errors carry a reason the UI can word for the citizen and the officer. Nothing here
touches Qt; `print_receipt` blocks, so callers run it off the UI thread.
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from kiosk.receipt import Receipt


class PrinterState(enum.Enum):
    """What the printer can do right now."""

    READY = "ready"
    PAPER_OUT = "paper_out"  # roll empty (or cover open on printers that can't tell them apart)
    OFFLINE = "offline"  # unplugged, powered off, not answering
    STOPPED = "stopped"  # queue paused/disabled (CUPS state 5): needs an officer to resume it
    ERROR = "error"  # anything else: see the message


@dataclass(frozen=True)
class PrinterStatus:
    state: PrinterState
    message: str = ""  # for the officer and `kiosk doctor`; the UI words the state itself

    @property
    def ready(self) -> bool:
        return self.state is PrinterState.READY


class PrinterErrorReason(enum.Enum):
    """Why a print failed, in terms the UI can turn into an instruction."""

    PAPER_OUT = "paper_out"  # call an officer to change the roll
    OFFLINE = "offline"  # printer unreachable: call an officer
    STOPPED = "stopped"  # queue stopped: the officer resumes it
    NOT_WRITABLE = "not_writable"  # output folder/device refuses the data
    TIMEOUT = "timeout"  # submitted but no answer in time
    FAILED = "failed"  # anything else; see the detail


# A not-ready status maps onto the reason a print attempt would fail with.
_REASON_FOR_STATE = {
    PrinterState.PAPER_OUT: PrinterErrorReason.PAPER_OUT,
    PrinterState.OFFLINE: PrinterErrorReason.OFFLINE,
    PrinterState.STOPPED: PrinterErrorReason.STOPPED,
    PrinterState.ERROR: PrinterErrorReason.FAILED,
}


class PrinterError(Exception):
    def __init__(self, reason: PrinterErrorReason, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail

    def __reduce__(self) -> tuple[type[PrinterError], tuple[PrinterErrorReason, str]]:
        # As itself across the station channel (`kiosk.app.channel`): the default would call
        # the class with the message in place of the reason.
        return (type(self), (self.reason, self.detail))

    @classmethod
    def from_status(cls, status: PrinterStatus) -> PrinterError:
        """The error to raise when asked to print while `status` is not ready."""
        if status.ready:
            raise ValueError("a ready printer has no error")
        return cls(_REASON_FOR_STATE[status.state], status.message)


@dataclass(frozen=True)
class PrintJob:
    """Where a receipt went.

    `completed` is True once the output is known to exist (file written, job finished); a queue
    backend may return False with a `job_id` the caller can poll.
    """

    completed: bool
    path: Path | None = None  # pdf backend: the file written
    job_id: str | None = None  # cups backend: the queue's job id


class Printer(ABC):
    @abstractmethod
    def print_receipt(self, receipt: Receipt) -> PrintJob:
        """Print one receipt; blocks until handed over. Raises `PrinterError`."""

    @abstractmethod
    def status(self) -> PrinterStatus:
        """Ask the device now (no cached answer: paper runs out between prints)."""

    @abstractmethod
    def describe(self) -> str:
        """One line naming the backend and its target, for `kiosk doctor` and logs."""
