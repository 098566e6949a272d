"""Who calls the API: a bearer token (machines) or the browser's session with its CSRF check."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

# ---------------------------------------------------------------- authentication


class BearerTokenAuth(HttpBearer):
    """Machines: `Authorization: Bearer hmy_…`, checked against the token's stored hash."""

    def __init__(self, token_user: Callable[[str], Any]) -> None:
        super().__init__()
        self.token_user = token_user

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = self.token_user(token)
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """The browser's session, with Django's CSRF check on unsafe methods."""

    def __call__(self, request: HttpRequest) -> Any:
        # A client that sends a token means the token: a wrong one is a 401, never a
        # fall-back to a cookie. Without a signed-in session there is nothing to
        # protect from CSRF, so the answer is 401 rather than a CSRF 403.
        if "Authorization" in request.headers or not request.user.is_authenticated:
            return None
        return super().__call__(request)
