"""Engine exceptions. Their message is Vietnamese and shown to users as it is."""

from __future__ import annotations


class EngineError(ValueError):
    """Any error the scoring engine reports; ``str(error) == error.message``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class RuleError(EngineError):
    """A rule text (Cách chấm) that cannot be parsed or does not fit its item."""


class InputError(EngineError):
    """A unit's input (Giá trị) that the item's rule does not accept.

    When raised while computing, ``unit_code``, ``item_code`` and ``layer`` say where the input was found.
    """

    def __init__(
        self,
        message: str,
        *,
        unit_code: str | None = None,
        item_code: str | None = None,
        layer: str | None = None,
    ) -> None:
        super().__init__(message)
        self.unit_code = unit_code
        self.item_code = item_code
        self.layer = layer
