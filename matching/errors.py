"""One error family for jobmatch.

Every message says what was wrong and what is allowed, in English (``message``, for logs) and in
Chinese (``message_zh``, for the user). Every error jobmatch raises on purpose is one of these
classes (no subclass elsewhere): the serving layer answers each with one body shape in one place
(``serving/api/errors.py``: the family name, both messages, ``code``/``field``/``allowed`` where the
family has them); the CLI prints them without a traceback.

    JobmatchError
    ├── ConfigError            settings or environment that cannot work
    ├── ValidationError        one value is wrong (field, reason code, Chinese message)
    │   └── UnknownCodeError   a value is not in a code list
    ├── ImportFileError        a whole import file is unusable (encoding, columns, empty, format)
    │   └── ImportTooLargeError  it exceeds a size bound (bytes, unzipped bytes, rows, cells)
    ├── NotFoundError          a record does not exist (or is outside the caller's scope)
    ├── ConflictError          a write clashes with stored state (built by ``conflict(code, …)``)
    ├── UnavailableError       no snapshot or model yet: retry shortly (503)
    ├── AuthError              no valid login: missing, malformed, tampered or expired token
    └── ForbiddenError         logged in, but the role may not do this
        └── OutOfCounty        a write would put a record into a county the caller does not serve
"""

from __future__ import annotations


class JobmatchError(Exception):
    """Base of every error jobmatch raises on purpose.

    ``message_zh`` is what a counselor reads; without one the class's ``default_zh`` stands in.
    """

    default_zh = "操作未能完成，请检查输入后重试"

    def __init__(self, message: str = "", message_zh: str | None = None):
        super().__init__(message)
        self.message_zh = message_zh or type(self).default_zh


class ConfigError(JobmatchError):
    """Settings or environment that cannot work."""


class ValidationError(JobmatchError, ValueError):
    """One value is wrong.

    ``code`` is a stable machine-readable reason (e.g. ``id_checksum``); ``message_zh`` is what a
    counselor reads; the exception text (English) is for logs and developers. Neither may contain a
    full ID or certificate number.
    """

    def __init__(self, code: str, message: str, message_zh: str, field: str | None = None):
        super().__init__(message, message_zh)
        self.code = code
        self.message = message
        self.field = field


class UnknownCodeError(ValidationError):
    """A value is not in a code list; the message lists what is allowed."""


class ImportFileError(JobmatchError):
    """A whole import file is unusable; ``message_zh`` is shown to the office that sent it."""

    def __init__(self, message: str, message_zh: str):
        super().__init__(message, message_zh)


class ImportTooLargeError(ImportFileError):
    """An import file exceeds one of the reader's bounds (``matching.imports.limits``): HTTP 413,
    where a malformed file is 422."""


class NotFoundError(JobmatchError):
    """A record does not exist, or lies outside the caller's county scope."""

    default_zh = "未找到该记录，或该记录不在您的辖区内"


class ConflictError(JobmatchError):
    """A well-formed write that the stored state or the calendar does not allow.

    ``code`` is a stable reason (``stage_not_allowed``, ``not_a_graduate``...), ``field`` the
    field at fault if one is, ``allowed`` what would have been accepted (e.g. the next stages).
    """

    default_zh = "操作与已有数据冲突，请刷新后核对"

    def __init__(
        self,
        message: str = "",
        message_zh: str | None = None,
        *,
        code: str | None = None,
        field: str | None = None,
        allowed: tuple[str, ...] = (),
    ) -> None:
        super().__init__(message, message_zh)
        self.message = message
        self.code = code
        self.field = field
        self.allowed = allowed


def conflict(
    code: str,
    message: str,
    message_zh: str,
    field: str | None = None,
    *,
    allowed: tuple[str, ...] = (),
) -> ConflictError:
    """A ``ConflictError`` written reason first, as the domain's checks read best."""
    return ConflictError(message, message_zh, code=code, field=field, allowed=allowed)


class UnavailableError(JobmatchError):
    """The service cannot answer yet (no feature snapshot, no model): 503, retry shortly."""

    default_zh = "服务暂时无法处理该请求，请稍后重试"


class AuthError(JobmatchError):
    """No valid login: the token is missing, malformed, tampered with, expired or its user gone."""

    default_zh = "登录已失效或未登录，请重新登录"


class ForbiddenError(JobmatchError):
    """The caller is logged in but their role may not do this (records of another county are
    reported as ``NotFoundError`` instead, so their existence is not revealed)."""

    default_zh = "当前账号无权进行此操作"


class OutOfCounty(ForbiddenError):
    """A write would put a record into a county the caller does not serve."""

    def __init__(self, message: str, message_zh: str) -> None:
        super().__init__(message, message_zh)
