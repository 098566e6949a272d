"""What every API endpoint shares: authentication, JSON errors, keyset pages and input types.

Errors always leave as `{"detail": ..., "code": ...}` (plus `fields` for invalid input) in the
request's language, so nothing a client sends can come back as an HTML page. The kit is split by
concern (inputs, the API and its errors, auth, keyset pages, references); the apps import it from here.
"""

from .api import (
    IDEMPOTENCY_KEY_PARAMETER,
    MALFORMED_BODY,
    MALFORMED_MULTIPART,
    SAFE_METHODS,
    ErrorOut,
    HamyarAPI,
    HamyarOpenAPISchema,
    PersianJSONRenderer,
    StrictJSONParser,
    error_statuses,
    file_download,
)
from .auth import (
    BearerTokenAuth,
    BrowserSessionAuth,
)
from .inputs import (
    DATE_INPUT_SCHEMA,
    INVALID_REFERENCE,
    MAX_ID,
    MAX_TEXT,
    DateInput,
    Id,
    InputSchema,
    PathId,
    decimal_input,
    jalali_text,
    partial,
    text,
    text_of,
    whole_input,
)
from .keyset import (
    PageQuery,
    page_of,
    paginate,
)
from .refs import (
    NumberRef,
    Ref,
    describe,
    resolve_refs,
)

__all__ = [
    "BearerTokenAuth",
    "BrowserSessionAuth",
    "DATE_INPUT_SCHEMA",
    "DateInput",
    "ErrorOut",
    "HamyarAPI",
    "HamyarOpenAPISchema",
    "IDEMPOTENCY_KEY_PARAMETER",
    "INVALID_REFERENCE",
    "Id",
    "InputSchema",
    "MALFORMED_BODY",
    "MALFORMED_MULTIPART",
    "MAX_ID",
    "MAX_TEXT",
    "NumberRef",
    "PageQuery",
    "PathId",
    "PersianJSONRenderer",
    "Ref",
    "SAFE_METHODS",
    "StrictJSONParser",
    "decimal_input",
    "describe",
    "error_statuses",
    "file_download",
    "jalali_text",
    "page_of",
    "paginate",
    "partial",
    "resolve_refs",
    "text",
    "text_of",
    "whole_input",
]
