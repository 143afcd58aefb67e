from django.contrib import admin

from .models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Read-only: the trail cannot be added to, changed or deleted from the admin."""

    list_display = ("occurred_at", "actor_repr", "action", "event", "content_type", "object_repr")
    list_filter = ("action", "content_type")
    search_fields = ("actor_repr", "object_repr", "event")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Domain records change only through their services (which check and audit); the admin
    shows them to superusers for inspection."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
