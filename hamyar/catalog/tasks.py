"""Background work of the catalog: checking and applying large price sheets (django-tasks).

The page polls the PriceImport for status and processed_rows / total_rows.
Arguments are ids, so a task's arguments stay JSON.
"""

from django_tasks import task

from hamyar.accounts.models import User

from . import services
from .models import PriceImport


@task()
def price_import_validate_task(price_import_id: int) -> str:
    """Check every row of an uploaded sheet; the outcome is on the PriceImport."""
    price_import = PriceImport.objects.select_related("provider").get(pk=price_import_id)
    return services.price_import_validate(price_import=price_import).status


@task()
def price_import_apply_task(price_import_id: int, acting_user_id: int) -> int:
    """Apply a sheet that price_import_apply_enqueue moved to "applying"; returns the new price list's id."""
    price_import = PriceImport.objects.select_related("provider").get(pk=price_import_id)
    acting_user = User.objects.get(pk=acting_user_id)
    return services.price_import_apply_claimed(price_import=price_import, acting_user=acting_user).pk
