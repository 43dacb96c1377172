"""Address entry in three touch steps: province (grid), commune (list), then house/village/street text.

All unit data and searching live in kiosk.addresses; this widget only shows them. The 34 provinces
are a grid to swipe; the commune filter and the street box are typed with the on-screen Keyboard on
the right. The picker has no buttons of its own (one primary action per screen, issue 11): it
reports the address as soon as it is complete and on every change of the street, and the window's
Back steps back through it (`back()`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk import addresses
from kiosk.addresses import Address, Commune, Province
from ui.widgets.basics import button, label, scroll_area
from ui.widgets.keyboard import Keyboard

# Texts the caller passes in (from its phrase tables), by key.
LABEL_KEYS = (
    "province_title",  # "Ông/Bà ở tỉnh, thành phố nào?"
    "commune_title",  # "Ông/Bà ở xã, phường nào?"
    "street_title",  # "Số nhà, đường, thôn, tổ"
    "filter_placeholder",  # "Gõ vài chữ để tìm"
    "street_placeholder",  # "Ví dụ: Thôn 3"
    "no_match",  # "Không thấy tên này. Ông/Bà gõ lại."
    "space",  # "Cách"
    "delete",  # "Xóa"
)
PROVINCE_COLUMNS = 3
COMMUNE_TILES = 170  # made ahead: the most communes of one province (Hồ Chí Minh City, 168)
# Shown with the province's touch: more than a screen holds. The rest follow, this many every
# COMMUNES_EVERY_MS, leaving the UI thread free in between for a touch: a province's ~100 tiles
# shown and laid out at once held it ~50 ms.
COMMUNES_FIRST = 16
COMMUNES_EVERY_MS = 4


class _NaturalHeight(QWidget):
    """Scrolled content that is never squeezed below its rows' natural height: a tile's style
    sheet min-height is less than its text needs in large text, and a scroll area shorter than
    the rows would otherwise shrink them to it (cutting "An Giang" by 2 px at 1080p)."""

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self.sizeHint().height())


class AddressPicker(QWidget):
    changed = Signal(dict)  # Address.to_dict(), emitted whenever the address is complete and changes
    asked = Signal(str)  # a page's question, after the place chosen so far: to be said aloud

    STEP_PROVINCE, STEP_COMMUNE, STEP_STREET = range(3)

    def __init__(self, labels: Mapping[str, str], keyboard: Keyboard | None = None) -> None:
        """`keyboard`: one made ahead (a picker made while a citizen reads another screen is made
        in two parts, so that a touch waits for neither whole)."""
        missing = [key for key in LABEL_KEYS if key not in labels]
        if missing:
            raise KeyError(f"AddressPicker labels missing: {', '.join(missing)}")
        super().__init__()
        self._labels = dict(labels)
        self._province: Province | None = None
        self._commune: Commune | None = None
        self._commune_buttons: dict[str, QPushButton] = {}
        # Commune tiles are kept and relabelled for each province: making a province's ~100
        # tiles when its tile was touched held the UI thread ~110 ms (bench/stalls.py).
        self._commune_pool: list[QPushButton] = []
        self._commune_items: list[Commune] = []
        self._commune_later: list[QPushButton] = []  # this province's tiles still to show

        self.title = label("", "h2", wrap=False)
        self.summary = label("", "muted", wrap=False)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_province_page())
        self.pages.addWidget(self._build_commune_page())
        self.pages.addWidget(self._build_street_page())
        if keyboard is None:
            keyboard = Keyboard(labels["space"], labels["delete"])
        else:
            keyboard.set_labels(labels["space"], labels["delete"], keyboard.clear_button.text())
        self.keyboard = keyboard

        body = QHBoxLayout()
        body.setSpacing(16)
        body.addWidget(self.pages, 1)
        body.addWidget(self.keyboard, 0, Qt.AlignmentFlag.AlignTop)
        policy = self.summary.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # keep the layout still from step to step
        self.summary.setSizePolicy(policy)
        heading = QHBoxLayout()
        heading.addWidget(self.title)
        heading.addWidget(self.summary, 1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(8)
        column.addLayout(heading)
        column.addLayout(body, 1)
        self._go(self.STEP_PROVINCE)

    # --- public API -------------------------------------------------------------------------------------

    def set_value(self, value: Mapping[str, Any] | None) -> None:
        """Show a stored address (at the street step, so it can be confirmed or changed) or start
        afresh: with None nothing of an earlier address is left in the picker, hidden tiles
        included (a kept picker serves the next citizen, `ui/screens/form.py`)."""
        self.province_filter.clear()
        self.commune_filter.clear()
        if value is None:
            self._province = self._commune = None
            for key in self._province_buttons.values():
                key.setChecked(False)
            self._fill_communes(None)
            self.street.clear()
            self._go(self.STEP_PROVINCE)
            return
        address = Address.from_dict(value)
        self._choose_province(addresses.province(address.province_code), advance=False)
        self._commune = addresses.commune(address.commune_code)
        self.street.setText(address.street)
        self._go(self.STEP_STREET)

    def value(self) -> dict[str, str] | None:
        address = self._address()
        return address.to_dict() if address is not None else None

    def step(self) -> int:
        return self.pages.currentIndex()

    def back(self) -> bool:
        """One step back inside the picker; False at its first step (the window's Back goes on)."""
        if self.step() > self.STEP_PROVINCE:
            self._go(self.step() - 1)
            return True
        return False

    def province_buttons(self) -> dict[str, QPushButton]:
        """Province code → its button (for tests and the guided tour)."""
        return dict(self._province_buttons)

    def commune_buttons(self) -> dict[str, QPushButton]:
        """Commune code → its tile, every one of the province's shown (for tests and the tour)."""
        self._show_later(len(self._commune_later))
        return dict(self._commune_buttons)

    # --- pages ------------------------------------------------------------------------------------------

    def _build_province_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        self.province_filter = self._line_edit(self._labels["filter_placeholder"])
        self.province_filter.textChanged.connect(self._filter_provinces)
        self.province_empty = label(self._labels["no_match"], "error")
        self.province_empty.hide()
        grid_host = _NaturalHeight()
        grid = QGridLayout(grid_host)
        grid.setSpacing(8)
        grid.setContentsMargins(0, 0, 8, 0)
        self._province_grid = grid
        self._province_buttons: dict[str, QPushButton] = {}
        for item in addresses.provinces():
            key = button(item.short_name, "choice")
            key.setCheckable(True)
            key.clicked.connect(lambda _=False, p=item: self._choose_province(p))
            self._province_buttons[item.code] = key
        self._place_provinces([p.code for p in addresses.provinces()])
        self.province_filter.hide()  # kept for a station's long list; 34 tiles are swiped
        column.addWidget(self.province_filter)
        column.addWidget(self.province_empty)
        column.addWidget(scroll_area(grid_host), 1)
        return page

    def _build_commune_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        self.commune_filter = self._line_edit(self._labels["filter_placeholder"])
        self.commune_filter.textChanged.connect(self._filter_communes)
        self.commune_empty = label(self._labels["no_match"], "error")
        self.commune_empty.hide()
        self._commune_host = QWidget()
        self._commune_list = QVBoxLayout(self._commune_host)
        self._commune_list.setSpacing(8)
        self._commune_list.setContentsMargins(0, 0, 8, 0)
        self._commune_list.addStretch(1)
        self._commune_scroll = scroll_area(self._commune_host)
        column.addWidget(self.commune_filter)
        column.addWidget(self.commune_empty)
        column.addWidget(self._commune_scroll, 1)
        return page

    def _build_street_page(self) -> QWidget:
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        self.street = self._line_edit(self._labels["street_placeholder"])
        self.street.textChanged.connect(self._show_summary)
        self.street.textEdited.connect(lambda _text: self._confirm())
        self.preview = label("", "big")
        self.preview.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        column.addWidget(self.street)
        column.addWidget(self.preview, 1)  # the whole rest of the column, so a long address wraps freely
        return page

    @staticmethod
    def _line_edit(placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # typed with the on-screen keyboard only
        return edit

    # --- behaviour --------------------------------------------------------------------------------------

    def _go(self, step: int) -> None:
        self.pages.setCurrentIndex(step)
        title_key = ("province_title", "commune_title", "street_title")[step]
        self.title.setText(self._labels[title_key])
        target = (self.province_filter, self.commune_filter, self.street)[step]
        self.keyboard.attach(target)
        # 34 provinces need no search: the grid takes the keyboard's room on the first step.
        self.keyboard.setVisible(step != self.STEP_PROVINCE)
        self._show_summary()
        chosen = self.summary.text()
        self.asked.emit(f"{chosen}. {self.title.text()}" if chosen else self.title.text())

    def _place_provinces(self, codes: list[str]) -> None:
        for key in self._province_buttons.values():
            self._province_grid.removeWidget(key)
            key.hide()
        for i, code in enumerate(codes):
            key = self._province_buttons[code]
            self._province_grid.addWidget(key, i // PROVINCE_COLUMNS, i % PROVINCE_COLUMNS)
            key.show()
        self._province_grid.setRowStretch(self._province_grid.rowCount(), 1)
        self._province_grid.activate()

    def _filter_provinces(self, text: str) -> None:
        found = [p.code for p in addresses.search_provinces(text)]
        self._place_provinces(found)
        self.province_empty.setVisible(not found)

    def _choose_province(self, item: Province, *, advance: bool = True) -> None:
        for code, key in self._province_buttons.items():
            key.setChecked(code == item.code)
        if self._province != item:
            self._province = item
            self._commune = None
            self._fill_communes(item.code)
        if advance:
            self.commune_filter.clear()
            self._go(self.STEP_COMMUNE)

    def set_labels(self, labels: Mapping[str, str]) -> None:
        """Its texts in another language (a kept picker serves every citizen)."""
        if dict(labels) == self._labels:
            return
        self._labels = {key: labels[key] for key in LABEL_KEYS}
        self.province_filter.setPlaceholderText(self._labels["filter_placeholder"])
        self.commune_filter.setPlaceholderText(self._labels["filter_placeholder"])
        self.street.setPlaceholderText(self._labels["street_placeholder"])
        for empty in (self.province_empty, self.commune_empty):
            empty.setText(self._labels["no_match"])
        self.keyboard.space_button.setText(self._labels["space"])
        self.keyboard.delete_button.setText(self._labels["delete"])
        self.title.setText(self._labels[("province_title", "commune_title", "street_title")[self.step()]])

    def tiles_made(self) -> int:
        """How many commune tiles are made (`prepare`)."""
        return len(self._commune_pool)

    def prepare(self, tiles: int = COMMUNE_TILES) -> None:
        """Make `tiles` commune tiles ahead (while the kiosk is idle), hidden until a province
        is chosen, their style resolved now rather than when a province's tile is touched; more
        are made if a province has more communes."""
        while len(self._commune_pool) < tiles:
            index = len(self._commune_pool)
            key = button("", "choice")
            key.setCheckable(True)
            key.setProperty("align", "left")  # the themes' QPushButton#choice[align="left"]
            key.clicked.connect(lambda _=False, i=index: self._choose_commune(self._commune_items[i]))
            key.hide()
            self._commune_list.insertWidget(index, key)
            key.ensurePolished()
            self._commune_pool.append(key)

    def _fill_communes(self, province_code: str | None) -> None:
        """The province's communes on the first tiles; None: every tile hidden and blank."""
        items = addresses.communes(province_code) if province_code is not None else []
        self.prepare(len(items))
        shown = len(self._commune_items)  # the tiles the last province used
        self._commune_items = list(items)
        self._commune_buttons = {}
        self._commune_later = []
        for index, key in enumerate(self._commune_pool[: max(shown, len(items))]):
            key.setChecked(False)
            if index < len(items):
                key.setText(items[index].name)
                if index < COMMUNES_FIRST:
                    key.show()
                else:
                    key.hide()
                    self._commune_later.append(key)
                self._commune_buttons[items[index].code] = key
            else:
                key.hide()
                key.setText("")
        if self._commune_later:
            QTimer.singleShot(COMMUNES_EVERY_MS, self, lambda: self._show_later(COMMUNES_FIRST))
        self.commune_empty.hide()
        self._commune_scroll.verticalScrollBar().setValue(0)

    def _show_later(self, count: int) -> None:
        """The next `count` tiles of this province shown; the rest a moment later."""
        now, self._commune_later = self._commune_later[:count], self._commune_later[count:]
        for key in now:
            key.show()
        if self._commune_later and now:
            QTimer.singleShot(COMMUNES_EVERY_MS, self, lambda: self._show_later(COMMUNES_FIRST))

    def _filter_communes(self, text: str) -> None:
        if self._province is None:
            return
        self._show_later(len(self._commune_later))  # what the filter hides stays hidden
        shown = {c.code for c in addresses.search_communes(self._province.code, text)}
        for code, key in self._commune_buttons.items():
            key.setVisible(code in shown)
        self.commune_empty.setVisible(not shown)
        self._commune_list.activate()
        self._commune_scroll.verticalScrollBar().setValue(0)

    def _choose_commune(self, item: Commune) -> None:
        self._commune = item
        for code, key in self._commune_buttons.items():
            key.setChecked(code == item.code)
        self._go(self.STEP_STREET)
        self._confirm()

    def _address(self) -> Address | None:
        if self._province is None or self._commune is None:
            return None
        p, c = self._province, self._commune
        typed = self.street.text()
        street = " ".join(typed.split())
        if street and typed[-1:].isspace():  # kept while typing: the space key is then said
            street += " "
        return Address(p.code, p.name, c.code, c.name, street)

    def _show_summary(self) -> None:
        chosen = [x.name for x in (self._commune, self._province) if x is not None]
        self.summary.setText(", ".join(chosen))
        self.summary.setVisible(bool(chosen) and self.step() != self.STEP_STREET)
        address = self._address()
        self.preview.setText(address.display() if address is not None else "")

    def _confirm(self) -> None:
        value = self.value()
        if value is not None:
            self.changed.emit(value)
