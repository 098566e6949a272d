"""The one NinjaAPI at /api/v1/, with a router per app.

Authentication (bearer token or browser session), JSON errors and keyset pages
come from `hamyar.core.apikit`; OpenAPI is at /api/v1/openapi.json, docs at /api/v1/docs.
"""

from hamyar.accounts.api import router as accounts_router
from hamyar.accounts.services import api_token_authenticate
from hamyar.catalog.api import router as catalog_router
from hamyar.commerce.api import router as commerce_router
from hamyar.core.apikit import HamyarAPI
from hamyar.core.throttle import ApiClientThrottle
from hamyar.directory.api import router as directory_router
from hamyar.finance.api import router as finance_router
from hamyar.insights.api import router as insights_router
from hamyar.needs.api import router as needs_router
from hamyar.projects.api import router as projects_router
from hamyar.transparency.api import ocds_router
from hamyar.transparency.api import router as transparency_router

api = HamyarAPI(
    token_user=api_token_authenticate,
    title="Hamyar API",
    version="1",
    urls_namespace="api",
    # Each client's calls per minute (HAMYAR_API_RATE); the public routes count per address instead.
    throttle=ApiClientThrottle(),
    description=(
        "The API of Hamyar, the operating system of a provincial Municipalities Cooperation "
        "Organization. Authenticate with `Authorization: Bearer hmy_…` (create a token with "
        "`POST /tokens`) or with the browser session. Errors are `{\"detail\", \"code\"}` (and "
        "`fields` for invalid input), in Persian unless `Accept-Language: en` is sent. Lists "
        "are pages of `items` with a `next_cursor` to pass back as `cursor`. Any POST may carry an "
        "`Idempotency-Key` header (1–200 printable ASCII characters, such as a UUID): a retry with "
        "the same key and the same request within a day creates nothing and gets the first answer "
        "again, marked `Idempotent-Replayed: true`; the same key with a different request is refused "
        "(422, `idempotency_key_reused`), and a retry while the first is still running gets 409 "
        "(`idempotency_in_progress`). Keys belong to the user, or to the token, that sent them; only "
        "a successful answer is kept, so after an error the corrected request may reuse its key."
    ),
)
api.add_router("", accounts_router)
api.add_router("", directory_router)
api.add_router("/catalog/", catalog_router)
api.add_router("/needs", needs_router)
api.add_router("/commerce/", commerce_router)
api.add_router("/projects", projects_router)
api.add_router("/finance/", finance_router)
api.add_router("", insights_router)
api.add_router("/transparency/", transparency_router)
api.add_router("/ocds/", ocds_router)
