"""Errors raised by services; views turn them into messages."""


class ServiceError(Exception):
    """A business rule refused the action; ``message`` is Vietnamese and shown to the user as is. ``field``
    names the form field the refusal is about (the page shows the message beside it), None for the action."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ConcurrencyError(ServiceError):
    """A compare-and-set found the row changed by someone else since it was read."""


class PhaseError(ServiceError):
    """The action is not open in the period's current phase or time window."""
