"""Charts drawn on the server as SVG with pygal (see pyproject.toml): no JavaScript, readable
without colour (each series has its own pattern as well as its colour, and is named in the
legend), and each one followed on its page by the same figures as a table and a CSV download.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from datetime import date

import pygal
from django.utils.html import escape
from pygal.style import Style

# Okabe-Ito's colour-blind-safe hues, darkened to 3:1 against white (WCAG 1.4.11).
COLOURS = (
    "#0060a0",
    "#c04f00",
    "#007a5e",
    "#a0527f",
    "#8f6a00",
    "#5a3f99",
    "#4d4d4d",
    "#b0303a",
)
# One pattern per series, drawn in white over its colour (the first is plain).
MARKS = (
    "",
    '<path d="M0,8 l8,-8 M-2,2 l4,-4 M6,10 l4,-4" stroke="#fff" stroke-width="2"/>',
    '<circle cx="4" cy="4" r="1.6" fill="#fff"/>',
    '<path d="M0,4 h8" stroke="#fff" stroke-width="2"/>',
    '<path d="M4,0 v8" stroke="#fff" stroke-width="2"/>',
    '<path d="M0,0 l8,8 M0,8 l8,-8" stroke="#fff" stroke-width="1.5"/>',
    '<path d="M0,0 l8,8 M-2,6 l4,4 M6,-2 l4,4" stroke="#fff" stroke-width="2"/>',
    '<rect width="4" height="4" fill="#fff" fill-opacity=".6"/>',
)
STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1f1f1f",
    foreground_strong="#1f1f1f",
    foreground_subtle="#595959",
    opacity="1",
    opacity_hover="1",
    colors=COLOURS,
    font_family="system-ui, sans-serif",
    label_font_size=13,
    legend_font_size=14,
    major_label_font_size=13,
    value_font_size=12,
)
# pygal adds a legacy import hook (``find_module`` only) for ``pygal.maps.*`` plugins, which
# Python 3.11+ warns about on every later import; we use no map plugin, so it goes.
sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]
# Comments, and the inline configuration script pygal writes for its (unused) tooltips: pages
# run no inline script (Content-Security-Policy).
_STRIPPED = re.compile(r"<!--.*?-->|<script\b.*?</script>", re.S)


def month_label(month: date) -> str:
    return f"{month.month:02d}/{month.year}"


def _patterns(name: str, count: int) -> tuple[list[str], list[str]]:
    defs, css = [], []
    for index in range(min(count, len(COLOURS))):
        pattern = f"{name}-pattern-{index}"
        colour, mark = COLOURS[index], MARKS[index % len(MARKS)]
        defs.append(
            f'<pattern id="{pattern}" patternUnits="userSpaceOnUse" width="8" height="8">'
            f'<rect width="8" height="8" fill="{colour}"/>{mark}</pattern>'
        )
        css.append(
            f"inline:#{name} .color-{index} .reactive, #{name} rect.color-{index}"
            f" {{fill: url(#{pattern}) !important; fill-opacity: 1 !important;"
            " stroke: #1f1f1f !important; stroke-width: 1 !important}"
        )
    return defs, css


def _render(chart: pygal.graph.graph.Graph, name: str, label: str) -> str:
    svg = _STRIPPED.sub("", chart.render(is_unicode=True))
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)


def _config(name: str, series: int, **options: object) -> dict[str, object]:
    defs, css = _patterns(name, series)
    return {
        "style": STYLE,
        "js": [],
        "defs": defs,
        "css": [*pygal.Config().css, *css],
        "disable_xml_declaration": True,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 2,
        "truncate_legend": 40,
        "print_values": False,
        "show_minor_x_labels": False,
        "x_labels_major_count": 12,
        "min_scale": 1,
        **options,
    }


def stacked_months(
    name: str, label: str, months: Sequence[date], series: Sequence[tuple[str, Sequence[int]]]
) -> str:
    """Awards per month, one bar per month stacked by series (badges or issuers)."""
    chart = pygal.StackedBar(
        **_config(name, len(series), width=760, height=380, y_labels_major_every=None)
    )
    chart.x_labels = [month_label(month) for month in months]
    for title, values in series:
        chart.add(title, list(values))
    return _render(chart, name, label)


def ranked_bars(name: str, label: str, items: Sequence[tuple[str, int]]) -> str:
    """One horizontal bar per item (the top badges), its value printed at its end."""
    chart = pygal.HorizontalBar(
        **_config(name, 1, width=760, height=max(160, 44 * len(items) + 60), show_legend=False)
    )
    chart.print_values = True
    chart.x_labels = [title for title, _value in reversed(items)]
    chart.add(label, [value for _title, value in reversed(items)])
    return _render(chart, name, label)
