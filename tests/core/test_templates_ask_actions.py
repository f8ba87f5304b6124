"""Issue 10 build item 5: templates show buttons from the actions a selector returns (or a display field), never
by comparing an object's state or the period's phase."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

STATE_COMPARISON = re.compile(r"\b(state|phase)\s*(==|!=)|(==|!=)\s*S\.[A-Z_]+|\bS\.[A-Z_]+\s*(==|!=)")


def test_no_template_compares_a_state_or_phase():
    root = Path(settings.BASE_DIR) / "templates"
    found = [
        f"{path.relative_to(root)}:{n}: {line.strip()}"
        for path in sorted(root.rglob("*.html"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if STATE_COMPARISON.search(line)
    ]
    assert found == []
