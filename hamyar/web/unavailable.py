"""When the database cannot be reached (restarting, failing over, out of connections): every request
answers 503 with "try again in a minute" in Persian, as a page or as the API's JSON, with Retry-After,
never a 500 with a trace. Nothing was written: the request's transaction never began or was rolled
back with the connection.

Django sends any uncaught error, including one raised by a middleware before the view (the session or
the signed-in user read from the database), to `handler500`; `server_error` answers 503 when that
error is the database's connection failing, 507 when the disk filled while Django was reading an
upload into its temporary folder (before the storage, which says so itself, sees it), and Django's own
500 otherwise. The page and the JSON are made without the database.
"""

import errno
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

from hamyar.core.errors import StorageFull

__all__ = ["RETRY_AFTER_SECONDS", "database_unavailable", "server_error"]

DATABASE_DOWN = (OperationalError, InterfaceError)
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)
RETRY_AFTER_SECONDS = 30


def _answer(request: HttpRequest, status: int, message: str, code: str) -> HttpResponse:
    """The API's JSON error under /api/, a page anywhere else; with Retry-After."""
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message, "code": code}, status=status,
                                              json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=status)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def database_unavailable(request: HttpRequest) -> HttpResponse:
    return _answer(request, 503, _("Hamyar cannot reach its database at the moment; nothing was saved. "
                                   "Try again in a minute."), "database_unavailable")


def server_error(request: HttpRequest) -> HttpResponse:
    """`handler500`: 503 when the error being handled is the database's connection, 507 when it is a
    full disk, else Django's 500."""
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_DOWN):
        return database_unavailable(request)
    if isinstance(error, OSError) and error.errno in DISK_FULL:
        return _answer(request, 507, str(StorageFull.default_message), StorageFull.code)
    return defaults.server_error(request)
