"""Logging as configured in settings.LOGGING: one line per refusal, no duplicate, no traceback below 500."""

from __future__ import annotations

import io
import logging
import sys

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils.log import configure_logging


@pytest.fixture
def log_output(monkeypatch):
    """settings.LOGGING applied exactly as Django applies it at start-up, its console writing to a buffer."""
    buffer = io.StringIO()
    monkeypatch.setattr(sys, "stderr", buffer)
    configure_logging(django_settings.LOGGING_CONFIG, django_settings.LOGGING)
    yield buffer
    monkeypatch.undo()
    configure_logging(django_settings.LOGGING_CONFIG, django_settings.LOGGING)


@pytest.mark.parametrize("debug", [True, False], ids=["demo", "production"])
def test_every_403_was_logged_with_two_tracebacks_now_one_line(
    client_for, editor, period, settings, log_output, debug
):
    """Today a 403 prints the PermissionDenied traceback twice in the demo (DEBUG) and once in production."""
    settings.DEBUG = debug
    forbidden = client_for(editor).get(reverse("registry:index"))
    lines = log_output.getvalue().splitlines()
    assert forbidden.status_code == 403
    assert [line.split(": ", 1)[1] for line in lines] == ["Forbidden (Permission denied): /danh-muc/"]
    assert "Traceback" not in log_output.getvalue()


def test_server_errors_keep_their_traceback(rf, log_output):
    logger = logging.getLogger("django.request")
    try:
        raise RuntimeError("hỏng")
    except RuntimeError:
        logger.error(
            "Internal Server Error: /x/", exc_info=True, extra={"status_code": 500, "request": rf.get("/x/")}
        )
    text = log_output.getvalue()
    assert text.count("Traceback (most recent call last):") == 1
    assert "RuntimeError: hỏng" in text
