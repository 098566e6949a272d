"""People, the organization they act for, and their machine tokens."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hamyar.core.models import TenantModel
from hamyar.core.roles import MUNICIPALITY_ROLES, PROVIDER_ROLES, MunicipalPost, Role


class User(AbstractUser):
    """A person who signs in; what they may see comes from their membership."""

    # Not a field: the organization notification_recipients found this user active in, so that notify()
    # need not ask the database again.
    checked_member_of: int | None = None

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.get_username()


class Membership(TenantModel):
    """A user's place in one organization: a role, and for bound roles the municipality or provider."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="membership", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    municipality = models.ForeignKey(
        "directory.Municipality",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("municipality"),
    )
    provider = models.ForeignKey(
        "directory.Provider",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("provider"),
    )
    title = models.CharField(_("job title"), max_length=150, blank=True)
    # A municipality user's post: above a threshold the mayor approves after the procurement clerk.
    post = models.CharField(_("post"), max_length=12, choices=MunicipalPost.choices, blank=True)

    scope_paths = {"municipality": None, "provider": None}

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(r.value for r in MUNICIPALITY_ROLES), municipality__isnull=False)
                    | ~Q(role__in=sorted(r.value for r in MUNICIPALITY_ROLES))
                ),
                name="membership_municipality_role_has_municipality",
            ),
            models.CheckConstraint(
                condition=(
                    Q(role__in=sorted(r.value for r in PROVIDER_ROLES), provider__isnull=False)
                    | ~Q(role__in=sorted(r.value for r in PROVIDER_ROLES))
                ),
                name="membership_provider_role_has_provider",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class ApiToken(TenantModel):
    """A bearer token for machines; only its SHA-256 is stored, the secret is shown once."""

    scope_paths = {"municipality": None, "provider": None}

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class Notification(TenantModel):
    """An in-app message to one user about a step that waits for them (also sent by e-mail)."""

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    # Only the recipient reads it; selectors filter by recipient, scoping keeps the tenant.
    scope_paths = {"municipality": "*", "provider": "*"}

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox_idx")]

    def __str__(self) -> str:
        return self.subject
