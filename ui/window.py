"""The kiosk window: top bar (officer, listen again, language, text size), the current screen,
bottom bar (Back left, primary action right), and overlays. It renders FlowState, nothing more.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QRect, Qt, QTimer
from PySide6.QtGui import (
    QCloseEvent,
    QFont,
    QFontMetrics,
    QKeySequence,
    QMouseEvent,
    QPixmap,
    QResizeEvent,
    QShortcut,
)
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk import phrases, voice_cues
from kiosk.flow.state import FlowState, Phase
from kiosk.flow.steps import STEP_KINDS
from kiosk.ports.voice import Loudness, Voice
from kiosk.wrap import keep_phrases
from ui.screens.base import Screen, ScreenContext
from ui.theme import NARROW_PX, Metrics, stylesheet, text_px
from ui.widgets.basics import button, label
from ui.widgets.comfort import VOLUME_STEPS, ComfortPanel, level_text, volume_level
from ui.widgets.icons import THEME_PROPERTY, icon
from ui.widgets.overlay import Overlay

if TYPE_CHECKING:
    from kiosk.catalog import Service
    from ui.officer.mode import OfficerUi

# Screen name -> "module:class". Screens are built when first shown, so start-up builds only the
# idle screen and the first paint does not wait for keyboards, keypads and pictograms.
# The phases' screens are named here; every step kind of the core's registry has its screen in
# ui/screens/<kind>.py as <Kind>Screen, so a new step kind needs no edit here.
SCREENS: dict[str, str] = {
    "idle": "ui.screens.idle:IdleScreen",
    "menu": "ui.screens.menu:MenuScreen",
    "submitting": "ui.screens.done:SubmittingScreen",
    "done": "ui.screens.done:DoneScreen",
    "status": "ui.screens.status:StatusScreen",
    **{kind: f"ui.screens.{kind}:{kind.capitalize()}Screen" for kind in STEP_KINDS},
}

SCREEN_MODULES = tuple(dict.fromkeys(where.partition(":")[0] for where in SCREENS.values()))

# Built ahead while idle: what one touch on the idle screen opens (anywhere: the menu; its "check
# my application" button: the status lookup), and the form, which every service asks and which is
# kept from one session to the next (in memory after the first citizen whatever is done, so made
# before them: its 40–70 ms build then never falls into the first journey's intro). Every other
# screen waits for a session: built ahead they took 0.2–1.9 MB each of the idle kiosk's memory.
# The status lookup takes 1.4 MB, but built on its touch it was painted ~25 ms after it (~11 ms
# built ahead) on a fast PC: past the 50 ms a touch has on a station's.
IDLE_AHEAD = ("menu", "status", "form")
# Sending and sent are built once the review is this many steps away, or nearer.
REVIEW_NEAR = 2


def likely_screens(state: FlowState, services: Sequence[Service]) -> tuple[str, ...]:
    """The screens the citizen may reach next from `state`, nearest first (the window builds them
    ahead, `KioskWindow._make_ahead`): idle, what one touch opens; the menu, the services' first
    two steps (a tile opens the first, its primary button the second); on a step, every step still
    to come (a service's steps have few kinds: the form and its pickers are made while the citizen
    reads the intro), then sending and sent once the review is near. Any other screen is built
    when it is first shown."""
    if state.phase is Phase.IDLE:
        return IDLE_AHEAD
    kinds: list[str] = []
    if state.phase is Phase.MENU:
        kinds = [s.steps[i].kind for i in range(2) for s in services if i < len(s.steps)]
    elif state.phase is Phase.STEP and state.service is not None:
        steps = state.service.steps
        kinds = [steps[i].kind for i in state.active_steps if i > state.step_index]
        if "review" in (steps[state.step_index].kind, *kinds[:REVIEW_NEAR]):
            kinds += ["submitting", "done"]
    elif state.phase is Phase.SUBMITTING:
        kinds = ["done"]
    return tuple(dict.fromkeys(kinds))  # a kind once, where first met


HIGH_CONTRAST = "high_contrast"
MIN_HEADING_PX = 200  # landscape: the service's name keeps at least this beside the buttons
# Landscape: the buttons give up their words until the service's name fits on one line beside
# them, up to this share of the width; a longer name wraps onto a second line.
HEADING_SHARE = 0.4
# The window's own buttons and their pictograms, drawn again in the other theme's colours.
BAR_PICTOGRAMS = (
    ("language_button", "language", 44),
    ("text_size_button", "text-size", 44),
    ("comfort_button", "volume", 44),
    ("listen_button", "speaker", 44),
    ("officer_button", "officer", 52),
    ("back_button", "back", 48),
)

# Pre-building starts this long after a session wipe, once the idle screen is up.
PREBUILD_AFTER_WIPE_MS = 300
# A session's parts are made from this long after the service's screen, once it is painted.
PREPARE_AFTER_MS = 100


class Screens(dict[str, Screen]):
    """Screens by name, each created (and added to the stack) on first use."""

    def __init__(
        self,
        ctx: ScreenContext,
        stack: QStackedWidget,
        on_change: Callable[[FlowState], None],
        on_say: Callable[[str], None],
    ) -> None:
        super().__init__()
        self._ctx = ctx
        self._stack = stack
        self._on_change = on_change
        self._on_say = on_say

    def __missing__(self, name: str) -> Screen:
        module, _, cls = SCREENS[name].partition(":")
        screen: Screen = getattr(importlib.import_module(module), cls)(self._ctx)
        screen.frame_changed.connect(lambda: self._on_change(self._ctx.journey.state()))
        screen.say.connect(self._on_say)
        self[name] = screen
        self._stack.addWidget(screen)
        return screen


def _ancestors(widget: QWidget, stop: QWidget) -> list[QWidget]:
    chain = []
    parent = widget.parentWidget()
    while parent is not None and parent is not stop:
        chain.append(parent)
        parent = parent.parentWidget()
    return chain


def _is_leaf(widget: QWidget) -> bool:
    """What a citizen reads or touches: text, pictures, buttons and inputs."""
    if isinstance(widget, QLabel):
        return bool(widget.text()) or (widget.pixmap() is not None and not widget.pixmap().isNull())
    return isinstance(widget, (QPushButton, QLineEdit))


def _scroll_area(widget: QWidget, stop: QWidget) -> QScrollArea | None:
    """The innermost scroll area `widget` scrolls in, if any."""
    for parent in _ancestors(widget, stop):
        if isinstance(parent, QScrollArea):
            return parent
    return None


def _squeezed(widget: QWidget) -> int:
    """Pixels missing from the height (or width) the widget needs to show all of itself."""
    if isinstance(widget, QLabel) and widget.wordWrap():
        needed = widget.heightForWidth(widget.width())
    else:  # a style sheet's min-height shows in minimumHeight(), not in the size hint
        needed = max(widget.minimumSizeHint().height(), widget.minimumHeight())
    return max(needed - widget.height(), widget.minimumSizeHint().width() - widget.width())


def _overlap(screen: QWidget, leaves: list[QWidget]) -> tuple[int, QWidget | None]:
    """The deepest overlap of two leaves (one inside the other, as a label in a button, is fine).

    Two leaves in the same scroll area are compared in full, scrolled into view or not; a leaf
    and something outside its scroll area only where the viewport shows the leaf."""
    boxes = []
    for widget in leaves:
        box = QRect(widget.mapTo(screen, QPoint(0, 0)), widget.size())
        shown = box
        for parent in _ancestors(widget, screen):
            if isinstance(parent, QScrollArea):
                viewport = parent.viewport()
                shown = shown.intersected(QRect(viewport.mapTo(screen, QPoint(0, 0)), viewport.size()))
        boxes.append((box, shown, _scroll_area(widget, screen), widget))
    boxes.sort(key=lambda b: b[0].top())
    worst, worst_widget = 0, None
    for index, (box, shown, area, widget) in enumerate(boxes):
        for other, other_shown, other_area, other_widget in boxes[index + 1 :]:
            if other.top() > box.bottom():
                break  # sorted by top: nothing further down can reach this box
            if widget.isAncestorOf(other_widget) or other_widget.isAncestorOf(widget):
                continue
            a, b = (box, other) if area is other_area else (shown, other_shown)
            if a.intersects(b):
                overlap = a.intersected(b)
                if min(overlap.width(), overlap.height()) > worst:
                    worst, worst_widget = min(overlap.width(), overlap.height()), widget
    return worst, worst_widget


class Fit:
    """The worst shortfall found by the layout check, and where."""

    def __init__(self) -> None:
        self.px = 0
        self.where = ""

    def note(self, px: int, widget: QWidget | None, how: str) -> None:
        if px > self.px and widget is not None:
            self.px = px
            text = widget.text() if isinstance(widget, (QLabel, QPushButton, QLineEdit)) else ""
            self.where = f"{type(widget).__name__} {text[:40]!r} {how} by {px} px"


def settle() -> None:
    """Let Qt finish what a change started: widgets added to a visible layout show on the next
    turn of the event loop, their layout then asks for a new size, and a scroll area resizes its
    content on the turn after that. The tour and the tests look at the screen once it is still."""
    for _ in range(2):
        QApplication.sendPostedEvents()
        QApplication.processEvents()


def step_dots(index: int, count: int) -> str:
    return " ".join("●" if i <= index else "○" for i in range(count))


class KioskWindow(QWidget):
    def __init__(
        self, ctx: ScreenContext, voice: Voice, theme: str = "normal", metrics: Metrics | None = None
    ) -> None:
        super().__init__()
        self.ctx = ctx
        self.voice = voice
        self.theme = theme
        app = QApplication.instance()
        if app is not None:
            app.setProperty(THEME_PROPERTY, theme)  # pictograms follow the theme (ui/widgets/icons.py)
        self.base_theme = theme  # the station's; high contrast is the citizen's switch
        self.metrics = metrics or Metrics.of(1920, 1080)
        self.allow_close = False
        self.kiosk_mode = False  # full screen for citizens: kept full screen, left by an officer only
        self.officer: OfficerUi | None = None  # officer mode (`ui/officer/mode.py`), set by `ui/compose.py`
        self._heard: FlowState | None = None  # the state the voice last spoke for (voice_cues)
        self._large_text: bool | None = None
        self._heading_fit: tuple[object, ...] = ()  # what the heading's size was fitted for
        self._bar_fit: tuple[tuple[object, ...], int] = ((), 0)  # what for, how many buttons lost words
        self.setWindowTitle("Kiosk")

        column = QVBoxLayout(self)
        # The window has the screen's size, whatever its content asks for: large text must not
        # widen it past the screen (each screen is checked to fit instead, `overflow`).
        column.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)

        top = QWidget()
        top.setObjectName("topbar")
        top.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        # Fixed: the bars keep the height their buttons ask for. Preferred let the window's column
        # squeeze them to the buttons' style-sheet min-height, which leaves out the pictogram
        # ("Gọi cán bộ" 9 px short, "Quay lại" 6 px); the screen between them gives way instead.
        top.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.top_bar = top
        # A portrait panel puts the heading above the buttons (`_fit_top_bar`).
        top_row = self._top_row = QBoxLayout(QBoxLayout.Direction.LeftToRight, top)
        top_row.setContentsMargins(20, 6, 20, 6)
        # A long service or station name wraps onto a second line (the bar grows), never cut, and
        # never widens the bar: the buttons keep their room.
        self.heading = label("", "h2")
        self.progress = label("", "muted")
        for line in (self.heading, self.progress):
            line.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        heading_box = QVBoxLayout()
        heading_box.addWidget(self.heading)
        heading_box.addWidget(self.progress)
        top_row.addLayout(heading_box, 1)
        self.language_button = button("", "", "language", 44)
        self.text_size_button = button("", "", "text-size", 44)
        self.comfort_button = button("", "", "volume", 44)
        self.listen_button = button("", "", "speaker", 44)
        self.officer_button = button("", "officer", "officer", 52)
        bar_buttons = (self.language_button, self.text_size_button, self.comfort_button, self.listen_button)
        buttons_row = self._buttons_row = QHBoxLayout()
        for widget in (*bar_buttons, self.officer_button):
            buttons_row.addWidget(widget, 0, Qt.AlignmentFlag.AlignVCenter)
        top_row.addLayout(buttons_row)
        # Shown as their pictogram alone where the row is too wide for the panel (portrait 768 px),
        # their words kept as the name the voice says; the language and the officer keep theirs.
        self._pictogram_only = (
            self.listen_button, self.comfort_button, self.text_size_button, self.language_button
        )  # fmt: skip
        column.addWidget(top)

        self.stack = QStackedWidget()
        # The stack takes the size the screen has; each screen is checked to fit 1366×768 (tests).
        self.stack.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.screens = Screens(
            ctx,
            self.stack,
            lambda state: self.show_state(state),
            lambda text: self.voice.say(text, ctx.journey.state().language),
        )
        column.addWidget(self.stack, 1)

        bottom = QWidget()
        bottom.setObjectName("bottombar")
        bottom.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        bottom.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        bottom_row = QHBoxLayout(bottom)
        bottom_row.setContentsMargins(20, 6, 20, 6)
        self.back_button = button("", "", "back", 48)
        self.primary_button = button("", "primary", "", 48)
        self.primary_button.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        # Aligned: an item without alignment caps the row at its maximum height, so the primary
        # button (Fixed at 64 px) cut the back button's pictogram (70 px) by 6 px.
        bottom_row.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignVCenter)
        bottom_row.addStretch(1)
        self._bottom_row = bottom_row
        bottom_row.addWidget(self.primary_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.bottom = bottom
        column.addWidget(bottom)
        self._column = column
        self._band: QWidget | None = None
        self.prebuilding = False  # screens or their parts are being made ahead (`prebuild`)
        self.preparing = False  # parts of a session's coming steps are being made (`_prepare_ahead`)
        self._unpainted: list[Screen] = []  # built ahead, not yet painted off screen (`prebuild`)

        # The on-screen volume works on the voice's Loudness (the sink, devices/audio/sink.py);
        # each new citizen starts at the station's volume, whatever the last one chose.
        self.loudness = voice if isinstance(voice, Loudness) else None
        self.station_volume = self.loudness.volume if self.loudness is not None else None
        self.comfort = ComfortPanel(
            self,
            louder=lambda: self.change_volume(+1),
            quieter=lambda: self.change_volume(-1),
            contrast=self.toggle_contrast,
            close=self.close_comfort,
        )
        self.overlay = Overlay(self)  # after the panel: its questions (idle warning) go above it

        journey = ctx.journey
        self.back_button.clicked.connect(lambda: self.current_screen().on_back())
        self.primary_button.clicked.connect(lambda: self.current_screen().on_primary())
        self.language_button.clicked.connect(
            lambda: journey.set_language("en" if journey.state().language == "vi" else "vi")
        )
        self.text_size_button.clicked.connect(journey.toggle_large_text)
        self.comfort_button.clicked.connect(self.open_comfort)
        self.listen_button.clicked.connect(self.speak)
        self.officer_button.clicked.connect(journey.call_officer)
        # Officer mode (also five taps in the top-left corner): its sign-in over any screen.
        QShortcut(QKeySequence("Ctrl+Shift+F12"), self, self.open_officer)
        journey.subscribe(self.show_state)
        self.show_state(journey.state())

    # -- rendering ------------------------------------------------------------------------
    def overflow(self, screen: QWidget | None = None) -> int:
        """How many pixels the worst-laid-out widget of the current screen (or of `screen`, such
        as an officer's page) lacks (0 = all fits).

        Every visible label, button and input, inside scroll areas too, is compared with the size
        it needs at its actual width (a squeezed row cuts its text); buttons, inputs and labels
        must not overlap each other; and nothing may stick out of the screen, or sideways out of
        the scroll area it is in (a scroll area only scrolls up and down for a finger). With no
        `screen`, the top and bottom bars are checked too (their buttons whole, inside the window)."""
        return self.worst_fit(screen).px

    def worst_fit(self, screen: QWidget | None = None) -> Fit:
        """`overflow`, with the widget that lacks the most (the tour's manifest names it)."""
        fit = Fit()
        if screen is None:
            self._check_bar(self.top_bar, fit)
            self._check_bar(self.bottom, fit)
        screen = screen or self.stack.currentWidget()
        if screen is None:
            return fit
        # A layer over the whole screen (the date picker's month calendar) is what the citizen sees.
        covers = [w for w in screen.findChildren(QWidget) if w.property("covers_screen") and w.isVisible()]
        if covers:
            screen = covers[0]
        leaves = [w for w in screen.findChildren(QWidget) if w.isVisible() and _is_leaf(w)]
        fit.note(*_overlap(screen, leaves), "overlaps")
        for widget in leaves:
            fit.note(_squeezed(widget), widget, "squeezed")
            area = _scroll_area(widget, screen)
            if area is None:
                corner = widget.mapTo(screen, widget.rect().bottomRight())
                out = max(corner.y() - screen.height(), corner.x() - screen.width()) + 1
                fit.note(out, widget, "off screen")
            else:  # scrolled content may be below the fold, but never cut off at the side
                viewport = area.viewport()
                corner = widget.mapTo(viewport, widget.rect().bottomRight())
                fit.note(corner.x() - viewport.width() + 1, widget, "off its scroll area's side")
        for area in screen.findChildren(QScrollArea):
            if area.isVisible() and _scroll_area(area, screen) is None:
                corner = area.mapTo(screen, area.rect().bottomRight())
                out = max(corner.y() - screen.height(), corner.x() - screen.width()) + 1
                fit.note(out, area, "off screen")
        return fit

    def _check_bar(self, bar: QWidget, fit: Fit) -> None:
        """The top or bottom bar: every button and line shown whole, inside the bar and the window."""
        if not bar.isVisible():
            return
        leaves = [w for w in bar.findChildren(QWidget) if w.isVisible() and _is_leaf(w)]
        fit.note(*_overlap(bar, leaves), "overlaps")
        shown = QRect(bar.mapTo(self, QPoint(0, 0)), bar.size()).intersected(self.rect())
        for widget in leaves:
            fit.note(_squeezed(widget), widget, "squeezed")
            box = QRect(widget.mapTo(self, QPoint(0, 0)), widget.size())
            inside = box.intersected(shown)
            fit.note(max(box.height() - inside.height(), box.width() - inside.width()), widget, "off the bar")

    def sizes(self) -> tuple[int, int]:
        """The smallest touch target (height or width, px) and the smallest text (px) the citizen
        sees now, over the top bar, the screen and the bottom bar (ux.md: ≥ 15 mm, ≥ 24 px at 1080p)."""
        targets, texts = [], []
        for widget in self.findChildren(QWidget):
            if not widget.isVisible() or not _is_leaf(widget):
                continue
            if isinstance(widget, QPushButton):
                targets.append(min(widget.width(), widget.height()))
            if not isinstance(widget, QLabel) or widget.text():
                texts.append(widget.font().pixelSize() if widget.font().pixelSize() > 0 else 0)
        return min(targets, default=0), min(texts, default=0)

    def current_screen(self) -> Screen:
        return self.screens[self.ctx.journey.state().screen]

    def show_state(self, state: FlowState) -> None:
        # What the change says is decided before rendering: a screen that re-renders the same
        # state while showing it (frame_changed) then says nothing again.
        heard = voice_cues.heard(self._heard, state, self.ctx.journey.seconds_until_reset())
        self._heard = state
        if state.phase is Phase.IDLE:
            self._drop_screens()
            self.comfort.close_panel()
            self._reset_volume()
        elif not self.preparing:
            self.preparing = True  # from the screen painted on: the next screens, the pickers they need
            QTimer.singleShot(PREPARE_AFTER_MS, self, self._prepare_ahead)  # cancelled with the window
        if (HIGH_CONTRAST if state.high_contrast else self.base_theme) != self.theme:
            self._restyle(HIGH_CONTRAST if state.high_contrast else self.base_theme)
        lang = state.language
        if state.large_text != self._large_text:
            self._large_text = state.large_text
            self.setStyleSheet(stylesheet(self.theme, self.metrics, state.large_text))
        screen = self.screens[state.screen]
        screen.show_state(state)
        self.stack.setCurrentWidget(screen)

        service = state.service
        if service is not None:
            self.heading.setText(keep_phrases(service.title.get(lang)))
            number = state.step_number if state.phase is Phase.STEP else state.step_count
            step_text = phrases.STEP_OF.get(lang).format(n=number, total=state.step_count)
            self.progress.setText(f"{step_text}   {step_dots(number - 1, state.step_count)}")
        else:
            self.heading.setText(phrases.IDLE_TITLE.get(lang) if state.phase is Phase.IDLE else "")
            station = self.ctx.station_name or phrases.IDLE_SUBTITLE.get(lang)
            self.progress.setText(station if state.phase in (Phase.IDLE, Phase.MENU) else "")
        for line in (self.heading, self.progress):  # an empty line takes no room (the menu has no title)
            if line.isHidden() == bool(line.text()):
                line.setVisible(bool(line.text()))
        self.language_button.setText(phrases.OTHER_LANGUAGE.get(lang))
        self.text_size_button.setText(phrases.TEXT_SIZE.get(lang))
        self.comfort_button.setText(phrases.COMFORT.get(lang))
        if self.comfort.isVisible():
            self.comfort.show_values(lang, self._volume(), state.high_contrast)
        self.listen_button.setText(phrases.LISTEN_AGAIN.get(lang))
        self.officer_button.setText(phrases.CALL_OFFICER.get(lang))
        self._fit_heading()

        self.back_button.setText(phrases.BACK.get(lang))
        self.back_button.setVisible(screen.has_back(state))
        primary = screen.primary_text(state)
        self.primary_button.setVisible(primary is not None)
        if primary is not None:
            self.primary_button.setText(primary.get(lang))
        self.bottom.setVisible(state.phase is not Phase.IDLE)
        self._render_overlay(state)
        if heard:
            self.voice.say(heard.text(self.prompt(screen, state) if heard.prompt else ""), lang)

    def prompt(self, screen: Screen, state: FlowState) -> str:
        """The screen's prompt, followed by how to go on: in accessibility mode the button's name
        to find with the arrows ("Rồi bấm Tiếp tục"), else its name and where it is on the screen,
        for a citizen who cannot read it ("… ở góc dưới bên phải")."""
        prompt = screen.spoken(state)
        action = screen.primary_text(state)
        if action is None or not prompt:
            return prompt
        lang = state.language
        if state.accessible:
            then = phrases.THEN_PRESS.get(lang).format(action=action.get(lang))
            return voice_cues.sentences([prompt, then])
        where = phrases.PRESS_TO_GO_ON.get(action.get("vi"))
        return voice_cues.sentences([prompt, where.get(lang)]) if where is not None else prompt

    def _fit_top_bar(self) -> None:
        portrait = self.height() > self.width()
        across, down = QBoxLayout.Direction.LeftToRight, QBoxLayout.Direction.TopToBottom
        self._top_row.setDirection(down if portrait else across)
        for widget in self._pictogram_only:  # words back, to measure them
            if widget.accessibleName():
                widget.setText(widget.accessibleName())
                widget.setAccessibleName("")
        buttons = [*self._pictogram_only, self.officer_button]
        key = (
            tuple(b.text() for b in buttons), self.heading.text(), self.progress.text(), self.size(),
            self._large_text, self.theme,
        )  # fmt: skip
        if key != self._bar_fit[0]:  # measured only when what it depends on changed (every render
            # measured it: ~1 ms, 30 times during a card read's progress)
            margins = self._top_row.contentsMargins()
            room = self.width() - margins.left() - margins.right() - (0 if portrait else self._heading_px())
            spacing = max(0, self._buttons_row.spacing()) * (len(buttons) - 1)
            bare = 0
            for widget in self._pictogram_only:  # the language keeps its words longest
                if sum(b.sizeHint().width() for b in buttons) + spacing <= room:
                    break
                widget.setAccessibleName(widget.text())
                widget.setText("")
                bare += 1
            self._bar_fit = (key, bare)
            return
        for widget in self._pictogram_only[: self._bar_fit[1]]:
            widget.setAccessibleName(widget.text())
            widget.setText("")

    def _fit_heading(self) -> None:
        """The top bar for the heading's text: the buttons give up their words, then the heading
        takes a smaller size (down to the smallest text) to stay on one line; only a name longer
        still wraps. Two lines of a long name in large text took the height some screens need.
        Laid out at once: a heading that changed would be squeezed for a frame otherwise."""
        heading = self.heading
        self._fit_top_bar()  # every render: the buttons' words were just set again
        key = (heading.text(), self.progress.text(), self.size(), self._large_text, self.theme)
        if key != self._heading_fit:
            self._heading_fit = key
            if heading.styleSheet():
                heading.setStyleSheet("")  # the theme's size
            self._top_row.activate()
            size = text_px(self.metrics, bool(self._large_text))["h2"]
            needed = self._one_line_px(heading, size)
            room = heading.width()
            if 0 < room < needed:
                smallest = self.metrics.smallest_text_px(bool(self._large_text))
                heading.setStyleSheet(f"font-size: {max(smallest, size * room // needed)}px;")
        self._top_row.activate()

    @staticmethod
    def _one_line_px(line: QLabel, size: int) -> int:
        """The width `line`'s text takes on one line at `size` px: measured with the theme's size,
        not the label's font, which follows a style sheet change only when it is next polished."""
        font = QFont(line.font())
        font.setPixelSize(size)
        return QFontMetrics(font).horizontalAdvance(line.text()) + 4

    def _heading_px(self) -> int:
        """The width the heading and the step line ask for on one line, within their share."""
        sizes = text_px(self.metrics, bool(self._large_text))
        wanted = MIN_HEADING_PX
        for line, role in ((self.heading, "h2"), (self.progress, "small")):
            wanted = max(wanted, self._one_line_px(line, sizes[role]))
        spacing = max(0, self._top_row.spacing())
        return min(wanted, round(self.width() * HEADING_SHARE)) + spacing

    def _restyle(self, theme: str) -> None:
        """The window in `theme`: its style sheet (at the next line of `show_state`), every
        pictogram drawn again in its colours, and the screens built afresh (what was typed is in
        the journey)."""
        self.theme = theme
        app = QApplication.instance()
        if app is not None:
            app.setProperty(THEME_PROPERTY, theme)
        self._large_text = None  # the style sheet is set again for the new theme
        for name, pictogram, size in BAR_PICTOGRAMS:
            getattr(self, name).setIcon(icon(pictogram, size))
        self.comfort.restyle()
        for name in list(self.screens):
            self._discard(name)

    def _render_overlay(self, state: FlowState) -> None:
        journey = self.ctx.journey
        lang = state.language
        if state.officer_called:
            delivered = state.officer_call_delivered
            said = {True: phrases.OFFICER_CALLED, False: phrases.OFFICER_CALL_FAILED}
            text = (phrases.OFFICER_CALLING if delivered is None else said[delivered]).get(lang)
            self.overlay.show_question(
                "officer", text, "", [(phrases.CLOSE.get(lang), "primary", journey.dismiss_officer)]
            )
        elif state.idle_warning:
            detail = phrases.IDLE_WARNING_DETAIL.get(lang).format(seconds=journey.seconds_until_reset())
            self.overlay.show_question(
                "hourglass",
                phrases.IDLE_WARNING.get(lang),
                detail,
                [(phrases.STILL_HERE.get(lang), "primary", journey.touch)],
            )
        elif state.ask_done:
            self.overlay.show_question(
                "id-card",
                phrases.ASK_DONE.get(lang),
                "",
                [  # the highlighted answer keeps what was typed; finishing wipes it
                    (phrases.ASK_DONE_YES.get(lang), "", lambda: journey.answer_done(True)),
                    (phrases.ASK_DONE_NO.get(lang), "primary", lambda: journey.answer_done(False)),
                ],
            )
        else:
            self.overlay.dismiss()

    def _drop_screens(self) -> None:
        """Session wipe: every screen but the idle one is destroyed (with whatever a citizen typed
        or was shown in it) and built afresh for the next person, except the `kept` ones (the
        menu, the form with its keyboard: slow to make), which wipe themselves instead. The cheap
        ones (intro, consent, sending: ~5–15 ms) are not kept: built ahead in the next session while
        the citizen reads the screen before, they need not stay in the idle kiosk's memory."""
        wiped = [n for n in self.screens if n != "idle"]
        # The idle screen first: removing the current screen from the stack would show another
        # (the form, ~700 widgets) for nothing before the idle one (~20 ms of the touch).
        self.stack.setCurrentWidget(self.screens["idle"])
        for name in wiped:
            screen = self.screens[name]
            if screen.kept:
                screen.wipe()
                continue
            self._discard(name)
        if wiped:  # after the idle screen has painted: building the menu first delayed it ~40 ms
            self.prebuilding = True
            QTimer.singleShot(PREBUILD_AFTER_WIPE_MS, self, self.prebuild)  # cancelled with the window

    def _prepare_ahead(self) -> None:
        """In a session: the screens of its coming steps and what they need (the form's pickers),
        made one part per turn of the event loop while the citizen reads the screens before them
        (`_make_ahead`); restarted by the next state change once all is made."""
        state = self.ctx.journey.state()
        self.preparing = state.phase is not Phase.IDLE and self._make_ahead(state)
        if self.preparing:
            QTimer.singleShot(0, self, self._prepare_ahead)  # cancelled with the window

    def _discard(self, name: str) -> None:
        screen = self.screens.pop(name)
        if screen in self._unpainted:
            self._unpainted.remove(screen)
        self.stack.removeWidget(screen)
        screen.deleteLater()

    def prebuild(self) -> None:
        """While nobody is using the kiosk: the screens one touch on the idle screen opens, made
        ahead one part per turn of the event loop (`_make_ahead`), so that the touch never waits for
        its screen to be made (a menu of pictograms takes ~150 ms to build on a station PC). Only
        those: every screen built ahead stays in the idle kiosk's memory."""
        state = self.ctx.journey.state()
        self.prebuilding = state.phase is Phase.IDLE and self._make_ahead(state)
        if self.prebuilding:  # else done, or a session began: its end starts it again
            QTimer.singleShot(0, self, self.prebuild)  # cancelled with the window

    def _make_ahead(self, state: FlowState) -> bool:
        """One part made ahead for `state`, False when none is left: a likely next screen built
        (`likely_screens`), else a part a screen makes ahead (`Screen.prepare`), else a screen
        built ahead painted once off screen. A touch then waits for one part (~5–40 ms) at most."""
        unloaded = [m for m in SCREEN_MODULES if m not in sys.modules]
        if unloaded:
            # Every screen's code, a module a turn: the first journey imports it and it is never
            # unloaded, so it is part of the idle kiosk (measured: after a journey and the reset
            # the kiosk came back ~2 MB nearer its idle memory), and no touch waits for an import.
            importlib.import_module(unloaded[0])
            return True
        likely = likely_screens(state, self.ctx.journey.catalog.services)
        missing = [name for name in likely if name not in self.screens]
        if missing:
            screen = self.screens[missing[0]]  # looking it up builds it
            # Style sheet and layout resolved now rather than on the touch that first shows it.
            screen.resize(self.stack.size())
            screen.ensurePolished()
            layout = screen.layout()
            if layout is not None:
                layout.activate()
            self._unpainted.append(screen)
            return True
        if any(screen.prepare(state) for screen in list(self.screens.values())):
            return True
        if self._unpainted:
            # Painted once off screen: the text layouts and glyphs of its first paint made now
            # (the menu's first show after start took ~60 ms more than its second).
            screen = self._unpainted.pop(0)
            if not screen.isVisible():  # else shown meanwhile, painted for real
                screen.render(QPixmap(screen.size()))
            return True
        return False

    # -- volume and contrast (ui/widgets/comfort.py) ---------------------------------------
    def _volume(self) -> int | None:
        return self.loudness.volume if self.loudness is not None else None

    def _reset_volume(self) -> None:
        loudness, volume = self.loudness, self.station_volume
        if loudness is not None and volume is not None and loudness.volume != volume:
            loudness.set_volume(volume)

    def _say(self, text: str) -> None:
        self.voice.say(text, self.ctx.journey.state().language)

    def open_comfort(self) -> None:
        journey = self.ctx.journey
        journey.touch()
        state = journey.state()
        self.comfort.show_values(state.language, self._volume(), state.high_contrast)
        self.comfort.open()
        lang = state.language
        said = [phrases.COMFORT_TITLE.get(lang), phrases.COMFORT_HOW.get(lang)]
        volume = self._volume()
        if volume is not None:
            said.append(level_text(volume, lang))
        self._say(". ".join(said))

    def change_volume(self, steps: int) -> None:
        """One step (a tenth) louder or quieter, said at the new volume."""
        self.ctx.journey.touch()
        if self.loudness is None:
            return
        level = volume_level(self.loudness.volume) + steps
        self.loudness.set_volume(max(0, min(VOLUME_STEPS, level)) * 100 // VOLUME_STEPS)
        state = self.ctx.journey.state()
        self.comfort.show_values(state.language, self._volume(), state.high_contrast)
        self._say(level_text(self.loudness.volume, state.language))

    def toggle_contrast(self) -> None:
        journey = self.ctx.journey
        journey.toggle_high_contrast()  # the window restyles as it renders the new state
        state = journey.state()
        done = phrases.HIGH_CONTRAST_ON if state.high_contrast else phrases.HIGH_CONTRAST_OFF
        self._say(done.get(state.language))

    def close_comfort(self) -> None:
        self.ctx.journey.touch()
        self.comfort.close_panel()
        self.speak()  # back to the screen: what it asks

    def speak(self) -> None:
        """Nghe lại (listen again): the open overlay, or the prompt and what is wrong now."""
        state = self.ctx.journey.state()
        heard = voice_cues.again(state, self.ctx.journey.seconds_until_reset())
        prompt = self.prompt(self.current_screen(), state) if heard.prompt else ""
        self.voice.say(heard.text(prompt), state.language)

    # -- kiosk behaviour ------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.ctx.journey.touch()
        super().mousePressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._heading_fit = ()
        self._bar_fit = ((), 0)
        self._fit_heading()
        self._fit_band()
        self.overlay.setGeometry(self.rect())
        self.comfort.setGeometry(self.rect())
        if self.officer is not None:
            self.officer.setGeometry(self.rect())
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        # In kiosk mode nothing may minimise the window or take it out of full screen (a window
        # manager's key, a stray F11 that got through): it goes straight back.
        if self.kiosk_mode and event.type() is QEvent.Type.WindowStateChange and not self.isFullScreen():
            QTimer.singleShot(0, self, self.showFullScreen)
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.allow_close:
            event.accept()
        else:
            event.ignore()  # Alt+F4 and the like do not leave kiosk mode

    def add_band(self, band: QWidget) -> None:
        """A mark in the bottom bar on every screen, between Back and the primary action (assist
        mode's "Cán bộ đang hỗ trợ"): it takes no height from the screens."""
        self._bottom_row.insertWidget(2, band)
        self._bottom_row.insertStretch(3, 1)  # the primary action stays bottom-right
        self._band = band
        self._fit_band()

    def _fit_band(self) -> None:
        """On a narrow or portrait panel there is no room beside Back and the primary action: the
        band goes on a row of its own above the bottom bar (portrait has height to spare)."""
        band = self._band
        if band is None:
            return
        narrow = self.width() < NARROW_PX or self.height() > self.width()  # 1080×1920 too
        in_bar = self._bottom_row.indexOf(band) >= 0
        if narrow and in_bar:
            self._bottom_row.removeWidget(band)
            self._column.insertWidget(self._column.indexOf(self.bottom), band)
        elif not narrow and not in_bar:
            self._column.removeWidget(band)
            self._bottom_row.insertWidget(2, band)

    def open_officer(self) -> None:
        if self.officer is not None:
            self.officer.open()

    def leave_kiosk_mode(self) -> None:
        """An officer with `leave_kiosk` asked (`ui/officer/mode.py`): out of full screen, closed."""
        self.kiosk_mode = False
        self.allow_close = True
        self.close()
