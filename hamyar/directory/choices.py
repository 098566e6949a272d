from django.db import models
from django.utils.translation import gettext_lazy as _


class MunicipalityKind(models.TextChoices):
    METROPOLIS = "metropolis", _("Metropolis")
    DISTRICT = "district", _("Metropolis district")
    CITY = "city", _("City")
    TOWN = "town", _("Small town")


class AssetKind(models.TextChoices):
    PARK = "park", _("Park")
    GARDEN = "garden", _("Garden")
    MOUNTAIN_PARK = "mountain_park", _("Mountain park")
    BARREN_LAND = "barren_land", _("Barren land under development")
    ROAD = "road", _("Road")
    SQUARE = "square", _("Square")
    BUILDING = "building", _("Building")
    FACILITY = "facility", _("Facility")
    OTHER = "other", _("Other")


class ProviderKind(models.TextChoices):
    STAFF_UNIT = "staff_unit", _("Staff unit")
    AFFILIATE = "affiliate", _("Affiliated company or institution")
    SUPPLIER = "supplier", _("Represented supplier")
