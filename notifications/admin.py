"""The back office's list of a staff member's own notifications and how each was
delivered: read only (the bell's page reads them; services make them), nobody else's."""

from __future__ import annotations

from django.contrib import admin

from accounts.policies import StaffAdminMixin
from mectofitness.core.admin_registry import register_in_backoffice

from .models import Delivery, Notification
from .selectors import notification_list_for


class DeliveryInline(admin.TabularInline):
    """How the notification went out: push, e-mail, text (sent, failed, not sent)."""

    model = Delivery
    fields = ["channel", "status", "claimed_at", "sent_at", "detail"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return True  # the notification's page decided who

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class NotificationAdmin(StaffAdminMixin, admin.ModelAdmin):
    """The staff member's own notifications, newest first."""

    list_display = ["title", "kind", "created_at", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "body"]
    fields = ["kind", "title", "body", "url", "created_at", "read_at"]
    readonly_fields = fields
    inlines = [DeliveryInline]

    def get_queryset(self, request):
        return notification_list_for(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


register_in_backoffice(Notification, NotificationAdmin)
