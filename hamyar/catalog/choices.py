from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    """Units of measure a price sheet may name (the Persian label is also accepted on import)."""

    PIECE = "piece", _("piece")
    SET = "set", _("set")
    DEVICE = "device", _("device")
    METER = "m", _("metre")
    SQUARE_METER = "m2", _("square metre")
    CUBIC_METER = "m3", _("cubic metre")
    KILOGRAM = "kg", _("kilogram")
    TONNE = "t", _("tonne")
    LITRE = "l", _("litre")
    HOUR = "hour", _("hour")
    DAY = "day", _("day")
    MONTH = "month", _("month")
    SERVICE = "service", _("service")


class PriceListSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported sheet")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    VALIDATING = "validating", _("Checking rows")
    INVALID = "invalid", _("Has errors")
    VALID = "valid", _("Ready to apply")
    APPLYING = "applying", _("Applying")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Failed")


# The states a sheet's check may start from (again): a check that died is started afresh.
VALIDATABLE = (ImportStatus.PENDING, ImportStatus.VALID, ImportStatus.INVALID, ImportStatus.FAILED)
