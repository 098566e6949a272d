"""Finance pages, one module per entity: invoices (with their payments), statements, commissions.

Finance officers and the org admin act; executives read everything; a municipality user reads its
own invoices and statement; a supplier user its own commission settlements. Every view reads through
a scoped selector (outside the scope: 404) and writes through one service; a refusal shows the page
again with the service's message at its status (409, 422), writing nothing.
"""
