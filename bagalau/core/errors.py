"""One error family for every domain failure: a code, a translated message, the field."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


@dataclass
class FieldError:
    field: str | None
    message: str | Promise
    code: str = "invalid"
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def text(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


class DomainError(Exception):
    """Raised by rules and services; views show it next to the field, the API as JSON."""

    status = 400

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str = "invalid",
        field: str | None = None,
        params: dict[str, Any] | None = None,
        errors: Iterable[FieldError] | None = None,
    ) -> None:
        self.message = message
        self.code = code
        self.field = field
        self.params = params or {}
        self.errors = list(errors or [])
        super().__init__(self.text())

    def text(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {"code": self.code, "message": self.text()}
        if self.field:
            result["field"] = self.field
        if self.errors:
            result["errors"] = [
                {"field": e.field, "code": e.code, "message": e.text()} for e in self.errors
            ]
        return result


class PermissionDenied(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409
