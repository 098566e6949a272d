"""Two rules on every response.

What no cache may keep: a signed-in user's pages and every API answer carry `Cache-Control: private,
no-store`, so neither a shared proxy nor the browser's disk (a shared office computer, the back button
after signing out) keeps a municipality's figures. Public pages (`public` views: sign-in, the
transparency pages) and static files (answered by WhiteNoise before this middleware) keep their own
caching.

How long a session lasts: SESSION_COOKIE_AGE after the user's last request (SessionIdleMiddleware).
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase

from hamyar.core.pages import is_public

NO_STORE = "private, no-store"
API_PREFIX = "/api/"


class PrivateCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        chosen = response.get("Cache-Control", "")
        if request.path.startswith(API_PREFIX):
            # An API operation may still say its answer is public (a published OCDS record).
            if "public" not in chosen:
                response["Cache-Control"] = NO_STORE
            return response
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or self._public_view(request):
            return response
        # A file a view already keeps private (a photo, for an hour) keeps its own rule.
        if "private" not in chosen:
            response["Cache-Control"] = NO_STORE
        return response

    @staticmethod
    def _public_view(request: HttpRequest) -> bool:
        match = getattr(request, "resolver_match", None)
        return match is not None and is_public(match.func)


class SessionIdleMiddleware:
    """A signed-in session lasts SESSION_COOKIE_AGE (8 hours) after the user's last request, not after
    signing in: it is renewed as the user works. Renewing means writing the session, so it is done at
    most once every HAMYAR_SESSION_RENEW_SECONDS (5 minutes) rather than on every request (Django's
    SESSION_SAVE_EVERY_REQUEST): the idle time is exact to within that, and a page costs no write."""

    KEY = "_hamyar_renewed"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is None or user is None or not user.is_authenticated or session.is_empty():
            return response
        now = int(time.time())
        if now - int(session.get(self.KEY, 0)) >= settings.HAMYAR_SESSION_RENEW_SECONDS:
            session[self.KEY] = now  # modified: SessionMiddleware saves it with a fresh expiry
        return response


def session_started(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """Signing in writes the session anyway: it counts as its first renewal."""
    session = getattr(request, "session", None)
    if session is not None:
        session[SessionIdleMiddleware.KEY] = int(time.time())
