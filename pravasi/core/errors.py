"""Domain errors; one handler per interface maps them to HTTP status codes."""

from __future__ import annotations


class DomainError(Exception):
    """Base class. `status` is the HTTP status an interface answers with."""

    status = 400
    code = "invalid"

    def __init__(self, message: str = "", *, fields: dict[str, list[str]] | None = None, code: str | None = None):
        self.message = str(message)
        self.fields = {key: [str(m) for m in value] for key, value in (fields or {}).items()}
        if code:
            self.code = code
        super().__init__(self.message or self.code)

    def __str__(self) -> str:
        if self.fields:
            return f"{self.message or self.code} {self.fields}"
        return self.message or self.code

    def as_dict(self) -> dict:
        body: dict = {"code": self.code, "message": self.message}
        if self.fields:
            body["fields"] = self.fields
        return body


class ValidationFailed(DomainError):
    status = 400
    code = "invalid"

    @classmethod
    def on(cls, field: str, message: str) -> ValidationFailed:
        return cls(message, fields={field: [message]})


class NotAllowed(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
