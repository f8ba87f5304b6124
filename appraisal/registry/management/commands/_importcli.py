"""Shared by the import commands: read the file, report every problem and fail (nothing written)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from appraisal.registry.services import ImportResult


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"Không đọc được tệp «{path}»: {error.strerror or error}.")


def report_problems(command: BaseCommand, result: ImportResult) -> None:
    """Every problem on stderr, then fail with the one-line summary (non-zero exit, nothing written)."""
    for message in result.messages:
        command.stderr.write(message)
    raise CommandError(result.summary)
