"""The projects API: contracts, constraints, milestones, progress, change orders, payment requests."""

from ninja import Router

router = Router(tags=["projects"])
