"""The service's own errors: one base class with the HTTP status each is answered with.

Plain exceptions, so services raise them without importing the web framework;
`app.core.http_errors` renders them (and every other error) as JSON.
"""

from __future__ import annotations


class AppError(Exception):
    """Base of the service's own errors; `status_code` is the HTTP status it is answered with."""

    status_code: int = 500

    def __init__(
        self,
        detail: str,
        *,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.headers = headers


class Unauthorized(AppError):
    status_code = 401

    def __init__(self, detail: str) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"})


class Forbidden(AppError):
    status_code = 403


class NotFound(AppError):
    status_code = 404


class Conflict(AppError):
    status_code = 409


class PayloadTooLarge(AppError):
    status_code = 413


class InvalidRequest(AppError):
    """Well-formed JSON that does not make a solvable problem (beyond what the schema checks)."""

    status_code = 422
