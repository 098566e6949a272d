"""Django admin for users, memberships and API tokens (a superuser's tool)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest

from .models import ApiToken, Membership, Notification, User


class MembershipInline(admin.StackedInline):
    model = Membership
    fields = ("organization", "role", "municipality", "provider", "title", "post")
    autocomplete_fields = ("municipality", "provider")
    extra = 0
    max_num = 1


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "email", "role", "is_active", "is_staff",
                    "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "membership__role", "membership__organization")
    search_fields = ("username", "first_name", "last_name", "email")
    list_select_related = ("membership",)
    inlines = [MembershipInline]

    @admin.display(description=Membership._meta.get_field("role").verbose_name, ordering="membership__role")
    def role(self, obj: User) -> str:
        membership = getattr(obj, "membership", None)
        return membership.get_role_display() if membership else "—"


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "organization", "municipality", "provider", "title")
    list_filter = ("role", "organization")
    search_fields = ("user__username", "user__first_name", "user__last_name", "title")
    list_select_related = ("user", "organization", "municipality", "provider")
    autocomplete_fields = ("user", "municipality", "provider")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made on the user's API tokens page (the secret is shown once); here only looked up."""

    list_display = ("name", "prefix", "user", "organization", "created_at", "expires_at", "revoked_at",
                    "last_used_at")
    list_filter = ("organization", "revoked_at")
    search_fields = ("name", "prefix", "user__username")
    list_select_related = ("user", "organization")
    readonly_fields = ("user", "organization", "name", "prefix", "key_hash", "created_at", "expires_at",
                       "revoked_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("subject", "recipient", "created_at", "read_at")
    list_filter = ("organization",)
    search_fields = ("subject", "recipient__username")
    raw_id_fields = ("recipient",)
