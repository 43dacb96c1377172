"""The import contract: which package may import which (docs/architecture.md).

Read statically from every module's source, imports inside functions and under TYPE_CHECKING
included, so a lazy import cannot sneak an arrow past the check (qutebrowser's
scripts/dev/misc_checks.py does the same for its Qt wrapper).

- the core (`kiosk/` outside its outer ring `kiosk/app/`) imports none of ui, devices, db, Qt,
  SQLAlchemy, Alembic or any device library;
- devices import neither ui nor db (nor the outer ring, nor the configuration);
- db imports neither ui nor devices (nor the outer ring);
- the console (`console/`) imports neither ui, devices, db nor the outer ring: only the core;
- ui imports neither db nor SQLAlchemy (the kiosk's window talks to its station worker over the
  channel, `kiosk/app/channel.py`), nor the card reader's stack (its card service, in a process of
  its own: `kiosk/app/card_service.py`); it may use the devices that live with the window (headset
  jack, QR scanners);
- nothing but ui and the outer ring imports ui.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

QT = ("PySide6", "shiboken6")
DATABASE = ("sqlalchemy", "alembic", "psycopg")
DEVICE_LIBRARIES = ("smartcard", "escpos", "cups", "usb", "serial")

# package -> prefixes it must not import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "core": ("ui", "devices", "db", "kiosk.app", *QT, *DATABASE, *DEVICE_LIBRARIES),
    "devices": ("ui", "db", "kiosk.app", "kiosk.config", *QT, *DATABASE),
    "db": ("ui", "devices", "kiosk.app", *QT),
    # The console works through the core; the composition root hands it its repositories.
    "console": ("ui", "devices", "db", "kiosk.app", *QT, *DATABASE, *DEVICE_LIBRARIES),
    "ui": ("db", *DATABASE, "devices.card", "smartcard", "PIL"),
}


def layer_of(path: Path) -> str | None:
    parts = path.relative_to(ROOT).parts
    if parts[0] == "kiosk":
        return None if len(parts) > 1 and parts[1] == "app" else "core"
    if parts[0] in ("devices", "db", "console", "ui"):
        return parts[0]
    return None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(path: Path) -> Iterator[tuple[int, str]]:
    tree = ast.parse(path.read_text("utf-8"), str(path))
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            yield node.lineno, name
            # `from kiosk import app` imports kiosk.app
            for alias in node.names:
                yield node.lineno, f"{name}.{alias.name}"


def matches(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(files: list[Path]) -> list[str]:
    found = []
    for path in files:
        layer = layer_of(path)
        if layer is None or ("migrations" in path.parts and "versions" in path.parts):
            continue
        seen: set[int] = set()
        for line, name in imported_names(path):
            if line not in seen and any(matches(name, prefix) for prefix in FORBIDDEN[layer]):
                seen.add(line)  # one message per import statement
                found.append(f"{path.relative_to(ROOT)}:{line}: {layer} imports {name}")
    return found


def python_files() -> list[Path]:
    tops = ("kiosk", "devices", "db", "console", "ui")
    return sorted(p for top in tops for p in (ROOT / top).rglob("*.py"))


def test_the_arrows_point_inwards() -> None:
    problems = violations(python_files())
    assert not problems, "import contract broken:\n" + "\n".join(problems)


def test_only_ui_and_the_outer_ring_import_ui() -> None:
    problems = []
    for path in python_files():
        if layer_of(path) in (None, "ui"):
            continue  # the outer ring may start the UI
        for line, name in imported_names(path):
            if matches(name, "ui"):
                problems.append(f"{path.relative_to(ROOT)}:{line}: imports {name}")
    assert not problems


@pytest.mark.parametrize(
    ("where", "source", "layer"),
    [
        ("kiosk/probe.py", "def f():\n    from sqlalchemy import select\n", "core"),
        ("kiosk/probe.py", "if TYPE_CHECKING:\n    import db.models\n", "core"),
        ("kiosk/probe.py", "from kiosk import app\n", "core"),
        ("devices/probe.py", "from kiosk.config import Config\n", "devices"),
        ("db/probe.py", "from devices.card import pcsc\n", "db"),
        ("ui/probe.py", "def f():\n    from db.store import open_store\n", "ui"),
        ("ui/probe.py", "def f():\n    from devices.card.emulated import EmulatedCardReader\n", "ui"),
        ("console/probe.py", "from db.desk import SqlDesk\n", "console"),
    ],
)
def test_the_check_sees_hidden_imports(tmp_path: Path, where: str, source: str, layer: str) -> None:
    """The checker itself: lazy, type-only and `from package import module` imports are caught."""
    global ROOT
    saved = ROOT
    ROOT = tmp_path
    try:
        path = tmp_path / where
        path.parent.mkdir(parents=True)
        path.write_text(source)
        assert violations([path]), f"{where}: {source!r} should break the {layer} contract"
    finally:
        ROOT = saved


def test_the_flow_and_the_status_look_up_do_not_import_each_other() -> None:
    """Issue 8: `kiosk.flow` and `kiosk.status` imported each other. The look-up reads the flow's
    state; the flow holds only its result (`kiosk.status_result`), type-only imports included."""
    flow = sorted((ROOT / "kiosk" / "flow").rglob("*.py"))
    assert flow
    problems = [
        f"{path.relative_to(ROOT)}:{line}: imports {name}"
        for path in flow
        for line, name in imported_names(path)
        if matches(name, "kiosk.status")
    ]
    assert not problems
