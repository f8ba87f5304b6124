"""Compare-and-set state changes shared by every workflow (assessments, periods).

A workflow is a TextChoices enum plus a pure transition table ``dict[state, frozenset[state]]``. The service
checks permission and the table, then calls ``cas_transition`` which updates exactly one row or raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models

from .exceptions import ConcurrencyError, ServiceError


def check_transition(table: Mapping[str, frozenset[str]], current: str, new: str, labels: Any) -> None:
    if new not in table.get(current, frozenset()):
        raise ServiceError(
            "Không thể chuyển từ trạng thái «{old}» sang «{new}».".format(
                old=labels(current).label, new=labels(new).label
            )
        )


def cas_transition(
    model: type[models.Model], *, pk: int, field: str, current: str, new: str, **extra: Any
) -> None:
    """Set ``field`` from ``current`` to ``new`` on one row, or raise ConcurrencyError if it moved meanwhile."""
    updated = model._default_manager.filter(pk=pk, **{field: current}).update(**{field: new}, **extra)
    if updated != 1:
        raise ConcurrencyError(
            "Trạng thái đã được người khác thay đổi trong lúc bạn thao tác. Hãy tải lại trang và thử lại."
        )
