from django.contrib import admin

from yufang.core.admin import ReadOnlyAdmin

from .models import ApiToken, Organisation, User


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "credit_code", "region", "is_active")
    list_filter = ("kind", "region")
    search_fields = ("name", "credit_code")


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ("username", "display_name", "organisation", "is_active", "last_login")
    search_fields = ("username", "display_name")
    exclude = ("password",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("user", "name", "prefix", "created_at", "expires_at", "revoked_at")
    exclude = ("key_hash",)
