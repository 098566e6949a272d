"""How often one visitor may read the public pages and the public API: the internet can reach them
without signing in, so a client that asks too fast is told to wait (429) instead of being served.

One budget per client address (`HAMYAR_PUBLIC_RATE`, e.g. "120/m") is shared by the public pages and
the public API routes, counted in Django's cache (Redis in production, so every worker counts the same
visitor; the process's own memory in development). Behind a proxy, `NINJA_NUM_PROXIES` says how many
addresses of X-Forwarded-For to trust. A signed-in user is not counted.

Every other API route counts per client instead (`ApiClientThrottle`, `HAMYAR_API_RATE`, e.g. "600/m"):
one budget per user, whether it calls with a bearer token or with its browser session, so a runaway
script holding a token cannot take the workers from everyone else.
"""

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle, SimpleRateThrottle

__all__ = ["ApiClientThrottle", "PublicReadThrottle", "client_address", "public_read_wait"]


class PublicReadThrottle(AnonRateThrottle):
    """django-ninja's per-address throttle, with the rate read from the settings on each request (so it
    can be changed per deployment and in tests) and the signed-in user left out."""

    scope = "public"

    def __init__(self) -> None:
        super().__init__(settings.HAMYAR_PUBLIC_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return True
        self.rate = settings.HAMYAR_PUBLIC_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


def public_read_wait(request: HttpRequest) -> int | None:
    """None when the request may be served; else the whole seconds to wait before asking again."""
    throttle = PublicReadThrottle()
    if throttle.allow_request(request):
        return None
    return max(1, round(throttle.wait() or throttle.duration or 1))


class ApiClientThrottle(SimpleRateThrottle):
    """django-ninja's throttle keyed by the authenticated user (`request.auth`, set by the token or the
    session), or by the address for a route that needs no sign-in; the rate read from the settings on
    each request."""

    scope = "api"

    def __init__(self) -> None:
        super().__init__(settings.HAMYAR_API_RATE)

    def get_cache_key(self, request: HttpRequest) -> str:
        auth = getattr(request, "auth", None)
        pk = getattr(auth, "pk", None)
        ident = f"user-{pk}" if pk is not None else f"addr-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.HAMYAR_API_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


def client_address(request: HttpRequest) -> str | None:
    """The client's address for the sign-in lockout (AXES_CLIENT_IP_CALLABLE): REMOTE_ADDR, or behind
    HAMYAR_NUM_PROXIES trusted proxies the address the outermost of them saw in X-Forwarded-For. Without
    it every user behind the proxy would share one address, and five wrong passwords lock them all."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.NINJA_NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if not proxies or not forwarded:
        return remote
    addresses = [a.strip() for a in forwarded.split(",") if a.strip()]
    return addresses[-min(proxies, len(addresses))] if addresses else remote
