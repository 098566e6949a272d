"""The needs API: `needs` has the routes, `schemas` what goes in and out."""

from .needs import router

__all__ = ["router"]
