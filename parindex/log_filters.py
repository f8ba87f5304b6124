"""Logging filters used by settings.LOGGING."""

from __future__ import annotations

import logging


class NoTracebackBelow500(logging.Filter):
    """A 403 or 404 is a refusal the app meant to give, not a fault: log its one line, not the traceback of the
    PermissionDenied or Http404 that produced it. Server errors (5xx) keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
