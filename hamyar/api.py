"""The one NinjaAPI at /api/v1/, with a router per app."""

from ninja import NinjaAPI

api = NinjaAPI(title="Hamyar API", version="1", urls_namespace="api")
