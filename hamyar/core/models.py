"""Tenancy base and the tamper-evident audit log."""

from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TenantModel(models.Model):
    """A row owned by one cooperation organization (the tenant and the Citus distribution key).

    `scope_paths` tells the one scoping function how a bound user reaches a row:
    a lookup path to the user's municipality or provider, "*" for every row of
    the organization, or None for no row at all. `published_filter` tells it which
    rows the public reader (no one signed in) may read: None, the default, is none.
    """

    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organization"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_paths: dict[str, str | None] = {"municipality": None, "provider": None}
    published_filter: ClassVar[models.Q | None] = None

    class Meta:
        abstract = True


class AuditEventQuerySet(models.QuerySet):
    """Rows are only ever added: bulk changes and deletes are refused (raw SQL is caught by audit_verify)."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("AuditEvent is append-only.")

    def delete(self) -> NoReturn:
        raise TypeError("AuditEvent is append-only.")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> NoReturn:
        raise TypeError("AuditEvent is append-only.")


class AuditEvent(models.Model):
    """Who did what to which object, with before/after; each event hashes its predecessor."""

    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("organization"),
    )
    sequence = models.PositiveBigIntegerField(_("sequence"))
    # PROTECT, not SET_NULL: nulling the actor of old events would rewrite them
    # and break the chain. People leave by being deactivated, never deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"))
    previous_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["organization_id", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "sequence"], name="audit_event_unique_sequence"
            ),
            models.UniqueConstraint(
                fields=["sequence"],
                condition=models.Q(organization__isnull=True),
                name="audit_event_unique_global_sequence",
            ),
        ]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_event_object_idx")]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("AuditEvent is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("AuditEvent is append-only.")


class IdempotencyKey(models.Model):
    """A creating POST's Idempotency-Key and its first answer: a retry gets the same answer back.

    `owner` is who sent it (a user, or a token's hash), so one client's key never answers another's.
    A row without a status is a request still running.
    """

    owner = models.CharField(_("owner"), max_length=80)
    key = models.CharField(_("key"), max_length=200)
    request_hash = models.CharField(_("request hash"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    body = models.BinaryField(_("body"), blank=True, default=b"")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_unique_key")]

    def __str__(self) -> str:
        return self.key


class NumberSequence(models.Model):
    """The last number given out per organization, kind and Jalali year (needs, quotations, orders…)."""

    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    prefix = models.CharField(_("prefix"), max_length=4)
    year = models.PositiveSmallIntegerField(_("Jalali year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [
            models.UniqueConstraint(fields=["organization", "prefix", "year"], name="number_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class AuditAnchor(models.Model):
    """A chain's head (event count and last hash) copied out of the audit table at a moment.

    The newest events of a chain have no successor to betray them; an anchor does: an event at or
    before an anchored head that is gone or hashes differently is a tampering `audit_verify` reports.
    """

    organization = models.ForeignKey(
        "directory.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_anchors",
        verbose_name=_("organization"),
    )
    count = models.PositiveBigIntegerField(_("event count"))
    last_hash = models.CharField(_("last hash"), max_length=64)
    at = models.DateTimeField(_("anchored at"))

    class Meta:
        verbose_name = _("audit anchor")
        verbose_name_plural = _("audit anchors")
        ordering = ["organization_id", "-at", "-count"]
        indexes = [models.Index(fields=["organization", "-count"], name="audit_anchor_latest_idx")]

    def __str__(self) -> str:
        return f"{self.organization_id or '-'}: {self.count} {self.last_hash[:12]}"
