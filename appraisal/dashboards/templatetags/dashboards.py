"""The body of a chart's table, joined in Python: a results page has 14 tables of up to 150 units (the heat maps
a number per field), some 5,600 cells, which the template language took a third of the page's time to loop
over (issue 12: each dashboard under 300 ms for 150 units)."""

from __future__ import annotations

from django import template
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from appraisal.dashboards.charts import Chart

register = template.Library()


@register.simple_tag
def chart_rows(c: Chart) -> SafeString:
    """``<tr>`` per row of the chart's table, as the template printed them: the first cell a row header (linked
    to the page behind the row), then the numbers with their heat-map class."""
    if not c.rows:
        return format_html('<tr><td colspan="{}">Chưa có số liệu.</td></tr>', len(c.columns))
    return format_html_join(
        "\n",
        '<tr><th scope="row">{}</th>{}</tr>',
        (
            (
                format_html('<a href="{}">{}</a>', link, localize(first)) if link else localize(first),
                format_html_join("", '<td class="num {}">{}</td>', ((css, localize(v)) for v, css in cells)),
            )
            for first, link, cells in c.table
        ),
    )
