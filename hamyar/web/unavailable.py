"""When the database cannot be reached (restarting, failing over, out of connections): every request
answers 503 with "try again in a minute" in Persian, as a page or as the API's JSON, with Retry-After,
never a 500 with a trace. Nothing was written: the request's transaction never began or was rolled
back with the connection.

Django sends any uncaught error, including one raised by a middleware before the view (the session or
the signed-in user read from the database), to `handler500`; `server_error` answers 503 when that
error is the database's connection failing, and Django's own 500 otherwise. The page and the JSON are
made without the database.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

__all__ = ["RETRY_AFTER_SECONDS", "database_unavailable", "server_error"]

DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503: the API's JSON error under /api/, a page anywhere else."""
    message = _("Hamyar cannot reach its database at the moment; nothing was saved. Try again in a minute.")
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message, "code": "database_unavailable"},
                                              status=503, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """`handler500`: 503 when the error being handled is the database's connection, else Django's 500."""
    if isinstance(sys.exc_info()[1], DATABASE_DOWN):
        return database_unavailable(request)
    return defaults.server_error(request)
