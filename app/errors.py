"""Refusals: the one base class of every error that refuses a change or a question
for a reason the person asking can fix. Forms show it next to the field it
concerns, the CLI prints it and exits non-zero, JSON answers list ``errors()``."""

from __future__ import annotations


class Refused(ValueError):
    """A change (or a question) that the rules refuse. The message is for the person
    who asked; ``field`` names the field it concerns, None for the whole request."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    def errors(self) -> list[dict[str, str | None]]:
        """Each problem as ``{"field": ..., "message": ...}``, as a JSON answer lists them."""
        return [{"field": self.field, "message": str(self)}]
