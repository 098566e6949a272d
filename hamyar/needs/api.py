"""The needs API: a municipality's needs, triage, matching and assignment."""

from ninja import Router

router = Router(tags=["needs"])
