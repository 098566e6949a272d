"""How often one visitor may read the public pages and the public API: the internet can reach them
without signing in, so a client that asks too fast is told to wait (429) instead of being served.

One budget per client address (`HAMYAR_PUBLIC_RATE`, e.g. "120/m") is shared by the public pages and
the public API routes, counted in Django's cache (Redis in production, so every worker counts the same
visitor; the process's own memory in development). Behind a proxy, `NINJA_NUM_PROXIES` says how many
addresses of X-Forwarded-For to trust. A signed-in user is not counted.
"""

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle

__all__ = ["PublicReadThrottle", "public_read_wait"]


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
