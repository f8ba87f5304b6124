"""The body of a chart's table, joined in Python: a results page has 14 tables of up to 150 units (the heat maps
a number per field), some 5,600 cells, which the template language took a third of the page's time to loop
over (issue 12: each dashboard under 300 ms for 150 units)."""

from __future__ import annotations

import html

from django import template
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from appraisal.dashboards.charts import Chart

register = template.Library()


def _text(cell: object) -> str:
    """A cell as ``{{ cell }}`` prints it: localised, then escaped as Django escapes (``html.escape``)."""
    return html.escape(cell if isinstance(cell, str) else str(localize(cell)))


@register.simple_tag
def chart_rows(c: Chart) -> SafeString:
    """``<tr>`` per row of the chart's table, as the template printed them: the first cell a row header (linked
    to the page behind the row), then the numbers with their heat-map class."""
    if not c.rows:
        return mark_safe(f'<tr><td colspan="{len(c.columns)}">Chưa có số liệu.</td></tr>')  # noqa: S308 (a number)
    out = []
    for first, link, cells in c.table:
        head = f'<a href="{html.escape(link)}">{_text(first)}</a>' if link else _text(first)
        tds = "".join(f'<td class="num {html.escape(css)}">{_text(v)}</td>' for v, css in cells)
        out.append(f'<tr><th scope="row">{head}</th>{tds}</tr>')
    return mark_safe("\n".join(out))  # noqa: S308 (every text escaped above)
