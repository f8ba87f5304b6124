"""Charts drawn on the server as SVG by pygal, shown as an image: ``<img src="data:image/svg+xml;base64,…">`` in
the page, or (the results page: 11 charts of up to 150 units) linked, each picture a request of its own
(``views.results_svg``).

Why an image: pygal writes its colours and fonts into a ``<style>`` element of the SVG; inlined in the page the
strict Content-Security-Policy (no inline style) would drop it, while an SVG image is a document of its own
that the page's policy allows (``img-src 'self' data:``) and that runs no script. Every chart therefore also
carries its title, a text alternative, a table of the same numbers and a CSV of that table: the numbers are
formatted once here (decimal comma) and the bars, the table and the CSV print the same strings.
"""

from __future__ import annotations

import base64
import csv
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pygal
from pygal.style import Style

from appraisal.documents.data import CSV_CONTENT_TYPE, ExportFile
from appraisal.documents.safe import csv_text

# Band and rating colours (colour is never alone: every bar also prints its value and band in text).
BAND_COLOURS = {
    "xuat_sac": "#1b7f3b",
    "tot": "#2f6fb5",
    "kha": "#c98a00",
    "trung_binh": "#d2691e",
    "yeu": "#b02a37",
}
RATING_COLOURS = {"htxs": "#1b7f3b", "htt": "#2f6fb5", "ht": "#c98a00", "kht": "#b02a37"}
SERIES_COLOURS = ("#2f6fb5", "#c98a00", "#1b7f3b", "#b02a37", "#6f42c1", "#20c997", "#d2691e", "#6c757d")

_STYLE_OPTIONS: dict[str, Any] = {
    "background": "white",
    "plot_background": "white",
    "foreground": "#212529",
    "foreground_strong": "#212529",
    "foreground_subtle": "#6c757d",
    "font_family": '"Times New Roman", "DejaVu Serif", serif',
    "label_font_size": 12,
    "major_label_font_size": 12,
    "value_font_size": 11,
    "legend_font_size": 12,
    "title_font_size": 15,
}


def _style(colours: Sequence[str] | None) -> Style:
    return Style(**_STYLE_OPTIONS, colors=tuple(colours or SERIES_COLOURS))


Cell = Any  # str, int or Decimal: what the table shows and the CSV writes
# A signed number ('+8,07', '-2') is written as it is: Excel reads it as a number, not as a formula.
_NUMBER = re.compile(r"[+-]?\d+(,\d+)?")


@dataclass
class Chart:
    """One chart: its picture (``svg``: None when there is nothing to draw), its title and text alternative,
    and the table of the same numbers (``columns`` × ``rows``, cells already formatted for people)."""

    slug: str
    title: str
    alt: str
    columns: list[str]
    rows: list[list[Cell]]
    drawing: BarSpec | None = (
        None  # what to draw; drawn on first use of ``svg`` (a page draws only its charts)
    )
    links: list[str | None] = field(default_factory=list)  # per row: the page behind it
    note: str = ""
    heat: list[list[str]] = field(default_factory=list)  # heat map: a CSS class per number cell
    drawn: bytes | None = None

    @property
    def svg(self) -> bytes | None:
        if self.drawn is None and self.drawing is not None:
            self.drawn = self.drawing.render()
        return self.drawn

    @property
    def table(self) -> list[tuple[Cell, str | None, list[tuple[Cell, str]]]]:
        """Rows for the template: (first cell, its link, [(cell, css class)…])."""
        out = []
        for i, row in enumerate(self.rows):
            link = self.links[i] if i < len(self.links) else None
            classes = self.heat[i] if i < len(self.heat) else [""] * (len(row) - 1)
            out.append((row[0], link, list(zip(row[1:], classes, strict=False))))
        return out

    @property
    def has_picture(self) -> bool:
        """Whether there is something to draw (asked without drawing it)."""
        return self.drawn is not None or self.drawing is not None

    @property
    def height(self) -> int:
        """The picture's height at its width of ``WIDTH`` pixels (for the page to keep its room while the
        picture loads)."""
        return self.drawing.height() if self.drawing is not None else 0

    @property
    def data_uri(self) -> str:
        if self.svg is None:
            return ""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode("ascii")

    def csv(self, *, year: int) -> ExportFile:
        """The table in the Vietnamese-Excel dialect of the results CSV (``;``, decimal comma, CRLF, UTF-8 with
        a byte-order mark, formula-like text neutralised)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow([csv_text(c) for c in self.columns])
        for row in self.rows:
            writer.writerow(
                [c if isinstance(c, int) or _NUMBER.fullmatch(str(c)) else csv_text(c) for c in row]
            )
        return ExportFile(
            filename=f"{self.slug}-{year}.csv",
            content_type=CSV_CONTENT_TYPE,
            content=buffer.getvalue().encode("utf-8-sig"),
        )


def _render(chart: Any) -> bytes:
    chart.js = []  # no script: the picture is an image
    chart.disable_xml_declaration = False
    out = chart.render()
    return out if isinstance(out, bytes) else out.encode("utf-8")


WIDTH = 900


def _height(*, n: int, horizontal: bool, legend: int) -> int:
    """Room for each bar, the title, the axis and the legend (two entries a row)."""
    return (90 + 26 * n if horizontal else 360) + 22 * ((legend + 1) // 2)


def _config(
    title: str, *, n: int, horizontal: bool = True, legend: int = 0, colours: Sequence[str] | None = None
) -> dict[str, Any]:
    return {
        "title": title,
        "style": _style(colours),
        "width": WIDTH,
        "height": _height(n=n, horizontal=horizontal, legend=legend),
        "show_legend": legend > 0,
        "legend_at_bottom": True,
        "print_values": True,
        "print_zeroes": False,
        "truncate_label": 60,
        "margin": 8,
        "legend_at_bottom_columns": 2,
    }


def _text(formatter_text: str) -> Callable[[Any], str]:
    return lambda _value: formatter_text


Bar = tuple[float, str, str | None]  # drawn at the number, labelled with exactly the text, in the colour


def value(number: Decimal, text: str, colour: str | None = None) -> Bar:
    """One bar: drawn at ``number``, labelled with exactly ``text`` (the table's string)."""
    return (float(number), text, colour)


def _pygal_value(bar: Bar | None) -> dict[str, Any] | None:
    if bar is None:
        return None
    number, text, colour = bar
    out: dict[str, Any] = {"value": number, "formatter": _text(text)}
    if colour:
        out["color"] = colour
    return out


@dataclass
class BarSpec:
    """A bar chart to draw (plain data, so that a chart kept in the cache can be drawn later, once)."""

    title: str
    labels: list[str]
    series: list[tuple[str, list[Bar | None]]]
    horizontal: bool = True
    stacked: bool = False
    range_: tuple[float, float] | None = None
    colours: list[str] | None = None

    def _n(self) -> int:
        per_label = 1 if self.stacked else max(1, len(self.series))
        return len(self.labels) * per_label + (len(self.labels) if self.stacked else 0)

    def _legend(self) -> int:
        return len(self.series) if len(self.series) > 1 else 0

    def height(self) -> int:
        return _height(n=self._n(), horizontal=self.horizontal, legend=self._legend())

    def render(self) -> bytes:
        kind = {
            (True, False): pygal.HorizontalBar,
            (True, True): pygal.HorizontalStackedBar,
            (False, False): pygal.Bar,
            (False, True): pygal.StackedBar,
        }[(self.horizontal, self.stacked)]
        series, labels = self.series, self.labels
        config = _config(
            self.title, n=self._n(), horizontal=self.horizontal, legend=self._legend(), colours=self.colours
        )
        if self.range_ is not None:
            config["range"] = self.range_
        chart = kind(**config)
        # pygal stacks horizontal bars from the bottom up: reversed, the first row of the table is the top bar
        order = slice(None, None, -1) if self.horizontal else slice(None)
        chart.x_labels = labels[order]
        for name, values in series:
            chart.add(name, [_pygal_value(v) for v in values[order]])
        return _render(chart)


def bar_svg(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Bar | None]]],
    *,
    horizontal: bool = True,
    stacked: bool = False,
    range_: tuple[float, float] | None = None,
    colours: Sequence[str] | None = None,
) -> BarSpec | None:
    """A bar chart of one or more series over ``labels`` (``colours``: one per series, so that the legend
    matches the bars), drawn when first shown; None when there is no bar to draw."""
    if not labels or not any(v is not None for _, values in series for v in values):
        return None
    return BarSpec(
        title,
        list(labels),
        [(name, list(values)) for name, values in series],
        horizontal=horizontal,
        stacked=stacked,
        range_=range_,
        colours=list(colours) if colours else None,
    )
