"""The NinjaAPI of the project: JSON errors in the request's language, JSON-only parsing, and the
OpenAPI document with each route's error answers."""

import json
import logging
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import (
    ImproperlyConfigured,
    ObjectDoesNotExist,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError, ValidationErrorContext
from ninja.openapi.schema import BODY_CONTENT_TYPES, REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation
from ninja.parser import Parser
from ninja.renderers import JSONRenderer
from ninja.schema import NinjaGenerateJsonSchema

from ..errors import ApplicationError, InvalidInput, NotFound, PermissionDenied, TooManyRequests
from ..idempotency import run_once
from ..pages import public
from ..services import invalid_from
from .auth import BearerTokenAuth, BrowserSessionAuth

logger = logging.getLogger(__name__)


# ---------------------------------------------------------------- errors


class ErrorOut(Schema):
    detail: str
    code: str
    fields: dict[str, list[str]] | None = None


# Methods that read; every other one writes, and so may be refused for the object's state.
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
MALFORMED_MULTIPART = _("The request body is not a valid multipart form; send files as multipart/form-data "
                        "with its boundary.")
CLIENT_RATE = _("Too many requests from this account or token; wait a minute and try again.")
MALFORMED_BODY = _("The request body could not be read; check its format and its length.")



def _validation_message(error: dict[str, Any]) -> str:
    """A pydantic error as a sentence a clerk understands, in the active language."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return str(_("This field is required."))
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return str(_("Enter a whole number."))
    if kind in {"float_type", "float_parsing", "decimal_type", "decimal_parsing", "finite_number"}:
        return str(_("Enter a number."))
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        limit = next(iter(ctx.values()), "")
        message = {
            "greater_than_equal": _("Ensure this value is greater than or equal to %(limit_value)s."),
            "less_than_equal": _("Ensure this value is less than or equal to %(limit_value)s."),
            "greater_than": _("Ensure this value is greater than %(limit_value)s."),
            "less_than": _("Ensure this value is less than %(limit_value)s."),
        }[kind]
        return str(message) % {"limit_value": limit}
    if kind == "string_too_long":
        limit, length = ctx.get("max_length", 0), len(error.get("input") or "")
        return ngettext(
            "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
            "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
            limit,
        ) % {"limit_value": limit, "show_value": length}
    if kind == "too_long":
        return str(_("Send at most %(limit_value)s items.")) % {"limit_value": ctx.get("max_length")}
    if kind == "string_type":
        return str(_("Enter text."))
    if kind in {"bool_type", "bool_parsing"}:
        return str(_("“%(value)s” value must be either True or False.")) % {"value": error.get("input")}
    if kind in {"enum", "literal_error"}:
        return str(_("Select a valid choice. %(value)s is not one of the available choices.")) % {
            "value": error.get("input")
        }
    if kind in {"date_input", "number_input"}:
        return str(ctx.get("message") or _("Enter a valid value."))
    if kind.startswith("date_"):
        value = error.get("input")
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            message = _("“%(value)s” value has the correct format (YYYY-MM-DD) but it is an invalid date.")
        else:
            message = _("“%(value)s” value has an invalid date format. It must be in YYYY-MM-DD format.")
        return str(message) % {"value": value}
    if kind == "timezone_aware":
        return str(_("Give the time with its offset, for example 2026-11-25T10:00:00+03:30."))
    if kind.startswith("datetime_"):
        return str(_("Enter a valid date/time."))
    if kind in {"list_type", "set_type"}:
        return str(_("Enter a list of values."))
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return str(_("Send a JSON object."))
    if kind == "extra_forbidden":
        return str(_("This field is not accepted here."))
    if kind == "null_characters":
        return str(_("Null characters are not allowed."))
    if kind in {"decimal_max_digits", "decimal_max_places", "decimal_whole_digits"}:
        limit = next(iter(ctx.values()), 0)
        singular, plural = {
            "decimal_max_digits": (
                "Ensure that there are no more than %(max)s digit in total.",
                "Ensure that there are no more than %(max)s digits in total.",
            ),
            "decimal_max_places": (
                "Ensure that there are no more than %(max)s decimal place.",
                "Ensure that there are no more than %(max)s decimal places.",
            ),
            "decimal_whole_digits": (
                "Ensure that there are no more than %(max)s digit before the decimal point.",
                "Ensure that there are no more than %(max)s digits before the decimal point.",
            ),
        }[kind]
        return ngettext(singular, plural, limit) % {"max": limit}
    return str(_("Enter a valid value."))


def _field_name(error: dict[str, Any]) -> str:
    source, *path = error["loc"]
    if source == "body":
        path = path[1:]  # drop the name of the view's body argument
    return ".".join(str(part) for part in path) or "__all__"


class HamyarAPI(NinjaAPI):
    """The NinjaAPI with the project's authentication, JSON errors and JSON-only URLs."""

    def __init__(self, *, token_user: Callable[[str], Any] | None = None, **kwargs: Any) -> None:
        """`token_user` finds the user of a bearer token (accounts gives it, being above this layer)."""
        if token_user is not None:
            kwargs.setdefault("auth", [BearerTokenAuth(token_user), BrowserSessionAuth()])
        kwargs.setdefault("renderer", PersianJSONRenderer())
        kwargs.setdefault("parser", StrictJSONParser())
        super().__init__(**kwargs)

    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> OpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return HamyarOpenAPISchema(self, path_prefix)

    def set_default_exception_handlers(self) -> None:
        handlers: list[tuple[type[Exception], Callable]] = [
            (Exception, self._unexpected),
            # The database unreachable (restarting, failing over): 503 and Retry-After, nothing written.
            (OperationalError, self._database_unavailable),
            (InterfaceError, self._database_unavailable),
            (ApplicationError, self._application_error),
            (ValidationError, self._invalid_input),
            (DjangoValidationError, lambda r, e: self._application_error(r, invalid_from(e))),
            (HttpError, self._http_error),
            (RequestDataTooBig, lambda r, e: self.error(r, 413, _("The request body is too large."),
                                                        "too_large")),
            # A body that cannot be read is the client's fault: 400, never a 500.
            (MultiPartParserError, lambda r, e: self.error(r, 400, MALFORMED_MULTIPART, "malformed_body")),
            (SuspiciousOperation, lambda r, e: self.error(r, 400, MALFORMED_BODY, "malformed_body")),
            (UnreadablePostError, lambda r, e: self.error(r, 400, MALFORMED_BODY, "malformed_body")),
            # json.loads of "[[[[…" a hundred thousand deep, in a view's own parsing of a form field.
            (RecursionError, lambda r, e: self.error(r, 422, _("The request body is not valid JSON."),
                                                     "malformed_json")),
            (UnicodeDecodeError, lambda r, e: self.error(r, 400, _("The request body is not valid UTF-8."),
                                                         "malformed_body")),
            (Http404, lambda r, e: self._application_error(r, NotFound())),
            (ObjectDoesNotExist, lambda r, e: self._application_error(r, NotFound())),
            (DjangoPermissionDenied, lambda r, e: self._application_error(r, PermissionDenied())),
        ]
        for exc_class, handler in handlers:
            self.add_exception_handler(exc_class, handler)

    def error(self, request: HttpRequest, status: int, detail: Any, code: str,
              fields: dict[str, list[Any]] | None = None) -> HttpResponse:
        body: dict[str, Any] = {"detail": str(detail), "code": code}
        if fields:
            body["fields"] = {name: [str(m) for m in messages] for name, messages in fields.items()}
        return self.create_response(request, body, status=status)

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext]
    ) -> ValidationError:
        # Ninja drops each error's input; keep it, a message may quote the value or its length.
        errors = []
        for context in error_contexts:
            model = context.model
            for item in context.pydantic_validation_error.errors(include_url=False):
                loc = model.__ninja_flatten_map_reverse__.get(item["loc"], item["loc"])
                errors.append({**item, "loc": (model.__ninja_param_source__, *loc)})
        return ValidationError(errors)

    def _application_error(self, request: HttpRequest, exc: ApplicationError) -> HttpResponse:
        fields = exc.extra.get("fields") if isinstance(exc.extra, dict) else None
        return self.error(request, exc.status, exc.message, exc.code, fields)

    def _invalid_input(self, request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields: dict[str, list[Any]] = {}
        for error in exc.errors:
            fields.setdefault(_field_name(error), []).append(_validation_message(error))
        return self.error(request, 422, InvalidInput.default_message, InvalidInput.code, fields)

    def _http_error(self, request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc, Throttled):
            # A signed-in client is counted as itself (HAMYAR_API_RATE), not by its address.
            signed_in = getattr(request, "auth", None) is not None
            response = self._application_error(request, TooManyRequests(CLIENT_RATE) if signed_in
                                               else TooManyRequests())
            response["Retry-After"] = str(max(1, round(exc.wait or 60)))
            return response
        if isinstance(exc, AuthenticationError):
            response = self.error(
                request, 401, _("Sign in, or send a valid API token as “Authorization: Bearer …”."),
                "not_authenticated",
            )
            response["WWW-Authenticate"] = 'Bearer realm="api"'
            return response
        if exc.status_code == 403 and "CSRF" in exc.message:
            return self.error(request, 403, _("The CSRF check failed; reload the page and try again."),
                              "csrf_failed")
        if exc.status_code == 403:
            return self._application_error(request, PermissionDenied())
        if exc.status_code == 400 and exc.__cause__ is not None:
            # Ninja raises HttpError(400) from the parser's error: the body is not JSON.
            return self.error(request, 422, _("The request body is not valid JSON."), "malformed_json")
        return self.error(request, exc.status_code, exc.message, "error")

    def _database_unavailable(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.warning("Database unreachable in %s %s: %s", request.method, request.path, exc)
        response = self.error(request, 503, _("Hamyar cannot reach its database at the moment; nothing was "
                                              "saved. Try again in a minute."), "database_unavailable")
        response["Retry-After"] = "30"
        return response

    def _unexpected(self, request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("Unexpected error in %s %s", request.method, request.path, exc_info=exc)
        return self.error(request, 500, _("Something went wrong on our side; the error has been logged."),
                          "server_error")

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        """Every URL answers JSON: 405 and unknown paths under the API included.

        The site's sign-in redirect does not apply here (`public` for the middleware): each operation
        authenticates itself and answers 401, unless it is a public one, declared with `auth=None`.
        """
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):  # ninja adds no resolver: every route is a pattern
                pattern.callback = public(self._json_only(pattern.callback))
        unknown = public(self._json_only(csrf_exempt(self._unknown_path)))
        patterns.append(re_path(r"", unknown, name="unknown"))
        return patterns, app_name, namespace

    def _unknown_path(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        raise Http404

    def _json_only(self, view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                response = run_once(request, lambda: view(request, *args, **kwargs))
            except Http404:
                return self._application_error(request, NotFound())
            except ApplicationError as exc:  # raised by the Idempotency-Key check itself
                return self._application_error(request, exc)
            if response.status_code == 405 and "json" not in response.get("Content-Type", ""):
                allow = response.get("Allow", "")
                response = self.error(request, 405, _("This method is not allowed here."),
                                      "method_not_allowed")
                response["Allow"] = allow
            return response

        return wrapper


# ---------------------------------------------------------------- the OpenAPI document


def _body_media_types(operation: Operation) -> set[str]:
    declared = (operation.openapi_extra or {}).get("requestBody", {}).get("content", {})
    return set(declared) | {
        BODY_CONTENT_TYPES[model.__ninja_param_source__]
        for model in operation.models if model.__ninja_param_source__ in BODY_CONTENT_TYPES
    }


def error_statuses(operation: Operation) -> dict[int, str]:
    """The errors the API's own machinery can answer on `operation`, each with what it means.

    Worked out from the route's shape (who may call it, its method, its input), so every
    route documents them the day it is added and no decorator has to remember them.
    """
    methods, bodies = set(operation.methods), _body_media_types(operation)
    statuses: dict[int, str] = {}
    if bodies:
        statuses[400] = ("The request body cannot be read: a multipart body without its boundary, "
                         "text that is not UTF-8, a truncated upload.")
    if operation.auth_callbacks:
        statuses[401] = "Not signed in, or the API token is missing, wrong, revoked or expired."
        statuses[403] = ("The user's role does not allow this action (or, with the browser session, "
                         "the CSRF check failed).")
    statuses[404] = "No such object, or it is outside the user's scope: both look the same."
    if methods - SAFE_METHODS:
        statuses[409] = "The action is not allowed in the object's current state" + (
            "; or a request with the same Idempotency-Key is still running." if "POST" in methods else "."
        )
    if bodies:
        statuses[413] = "The request body is too large."
    if "multipart/form-data" in bodies:
        statuses[507] = "The server has no room left for files: nothing was saved (try again later)."
    if operation.models or "POST" in methods:
        statuses[422] = "The input is not valid: `fields` gives each field's problems."
    if operation.throttle_objects:
        statuses[429] = ("Too many requests: from this client (token or signed-in user) over "
                         "HAMYAR_API_RATE, or on a public route from this address over HAMYAR_PUBLIC_RATE; "
                         "`Retry-After` says how many seconds to wait.")
    return statuses


def file_download(*media_types: str, description: str = "The file.") -> dict[str, Any]:
    """OpenAPI extra for a route that answers a file: its media types, so clients know what comes."""
    content = {media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in media_types}
    return {"responses": {200: {"description": description, "content": content}}}


IDEMPOTENCY_KEY_PARAMETER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": "Send the same key again to retry this POST safely: it creates nothing twice.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[!-~]([ -~]{0,198}[!-~])?$"},
}


class HamyarOpenAPISchema(OpenAPISchema):
    """The API's document: every answer a route can give, and one schema per component name.

    Ninja keeps the last of two schemas that share a name, so the document would describe one
    class where another is served; here the document refuses to be built instead.
    """

    def responses(self, operation: Operation) -> dict[int, Any]:
        result = super().responses(operation)
        errors = error_statuses(operation)
        if errors:
            self.add_schema_definitions({"ErrorOut": ErrorOut.model_json_schema(
                ref_template=REF_TEMPLATE, schema_generator=NinjaGenerateJsonSchema, mode="serialization")})
        error = {"schema": {"$ref": REF_TEMPLATE.format(model="ErrorOut")}}
        error_content = {self.api.renderer.media_type: error}
        for status, description in errors.items():
            result.setdefault(status, {"content": error_content})["description"] = description
        return dict(sorted(result.items()))

    def operation_parameters(self, operation: Operation) -> list[dict[str, Any]]:
        parameters = super().operation_parameters(operation)
        if "POST" in operation.methods:
            parameters.append(dict(IDEMPOTENCY_KEY_PARAMETER))
        return parameters

    def add_schema_definitions(self, definitions: dict) -> None:
        for name, schema in definitions.items():
            if name in self.schemas and self.schemas[name] != schema:
                raise ImproperlyConfigured(
                    f"Two different schemas are named {name!r} in the OpenAPI document; name each its own."
                )
        super().add_schema_definitions(definitions)


class PersianJSONRenderer(JSONRenderer):
    """JSON with Persian letters as they are, not as \\u escapes."""

    json_dumps_params = {"ensure_ascii": False}


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


class StrictJSONParser(Parser):
    """Standard JSON only: NaN and Infinity are not numbers a ledger can hold."""

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            return json.loads(request.body, parse_constant=_refuse_constant)
        except RecursionError:
            raise ValueError("nested too deeply") from None
