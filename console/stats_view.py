"""The console's statistics page body (`/thong-ke`): the report's figures as an HTML fragment with
the chart as inline SVG, drawn on the server (no script, works in an old browser).

The same figures and labels as `kiosk report` (`kiosk.report`), so the page and the upward report
never disagree. Every text is escaped: service names come from catalog files a station may write.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from html import escape

from kiosk.charts import figures_chart, to_svg
from kiosk.report import COLUMNS, row_cells, summary_lines, title
from kiosk.stats import Figures, vi_int, vi_percent


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], caption: str) -> str:
    cells = "".join(f"<th scope='col'>{escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f"<table><caption>{escape(caption)}</caption>"
        f"<thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"
    )


def _progress(share: float | None) -> str:
    if share is None:
        return ""
    percent = max(0.0, min(share, 1.0)) * 100
    return f"<meter min='0' max='100' value='{percent:.1f}'>{escape(vi_percent(share))}</meter>"


KEPT_BODIES = 16
_bodies: OrderedDict[int, tuple[Figures, str]] = OrderedDict()
_bodies_lock = threading.Lock()


def render_stats(figures: Figures) -> str:
    """The page body; the same `Figures` object (an ended period's, kept whole by
    `kiosk.stats.Statistics`) gets the body made for it again (~5 ms of escaping a month by day)."""
    key = id(figures)
    with _bodies_lock:
        found = _bodies.get(key)
        if found is not None and found[0] is figures:  # held here: its id is not reused meanwhile
            _bodies.move_to_end(key)
            return found[1]
    body = _render(figures)
    with _bodies_lock:
        _bodies[key] = (figures, body)
        while len(_bodies) > KEPT_BODIES:
            _bodies.popitem(last=False)
    return body


def _render(figures: Figures) -> str:
    parts = [
        "<section class='stats'>",
        f"<h1>{escape(title(figures))}</h1>",
        f"<p class='station'>{escape(figures.station_name)}</p>" if figures.station_name else "",
        "<dl class='summary'>",
        *(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in summary_lines(figures)),
        "</dl>",
        f"<figure class='chart'>{to_svg(figures_chart(figures))}</figure>",
    ]
    if figures.targets:
        rows = "".join(
            f"<tr><td>{escape(t.period)}</td><td>{escape(t.label)}</td><td>{escape(t.text)}</td>"
            f"<td>{_progress(t.share)}</td></tr>"
            for t in figures.targets
        )
        parts.append(
            "<table class='targets'><caption>Chỉ tiêu</caption><thead><tr><th scope='col'>Kỳ</th>"
            "<th scope='col'>Chỉ tiêu</th><th scope='col'>Đạt / chỉ tiêu — tỷ lệ</th><th scope='col'></th>"
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )
    parts.append(_table(COLUMNS[1:], (row_cells(r)[1:] for r in figures.totals), "Theo dịch vụ, cả kỳ"))
    parts.append(_table(COLUMNS, (row_cells(r) for r in figures.rows), "Theo kỳ"))
    if figures.abandoned_steps:
        steps = ((step, vi_int(n)) for step, n in figures.abandoned_steps)
        parts.append(_table(("Bước bỏ dở", "Số phiên"), steps, "Phiên bỏ dở theo bước"))
    parts.append("</section>")
    return "\n".join(p for p in parts if p)
