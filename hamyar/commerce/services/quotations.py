"""Quotations: pricing from the valid price list, revisions, competing quotations, the approval chain."""

__all__: list[str] = []
