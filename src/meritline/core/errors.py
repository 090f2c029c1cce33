"""Domain errors: a stable code, a translated message, and the field it belongs to."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Raised by services when input breaks a business rule.

    ``message`` is already translated (use ``gettext`` / ``gettext_lazy``) and
    ``field`` names the form or API field it belongs to, when there is one.
    """

    def __init__(self, code: str, message: Any, *, field: str | None = None) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class PermissionDeniedError(DomainError):
    def __init__(self, message: Any) -> None:
        super().__init__("permission_denied", message)


class NotFoundError(DomainError):
    def __init__(self, message: Any) -> None:
        super().__init__("not_found", message)
