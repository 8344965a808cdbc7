"""The back office's list of conversations: read-only, scoped by the one policy (the
owner sees every conversation, a coach their clients' and their groups). Messages are
read on a conversation's page and written through the services (the API today, the
back office's own messaging page next), never added, changed or deleted here."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy

from accounts.policies import StaffAdminMixin, is_staff_member
from mectofitness.core.admin_registry import register_in_backoffice

from .announcements import announcement_queryset_for
from .models import Announcement, AnnouncementRecipient, Message, Thread
from .selectors import thread_list_for


class MessageInline(admin.TabularInline):
    """The conversation's messages, oldest first (deleted ones read "Message deleted")."""

    model = Message
    fk_name = "thread"
    fields = ["created_at", "author", "shown_text", "edited_at"]
    readonly_fields = fields
    ordering = ["pk"]
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    @admin.display(description=gettext_lazy("message"))
    def shown_text(self, obj):
        return obj.shown_text

    def has_view_permission(self, request, obj=None):
        return is_staff_member(request.user)  # the conversation's own page decided who

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ThreadAdmin(StaffAdminMixin, admin.ModelAdmin):
    """Conversations with clients and groups (a coach: their clients' and their groups)."""

    list_display = ["__str__", "kind", "last_message_at", "unread"]
    list_filter = ["kind"]
    search_fields = ["title", "client__first_name", "client__last_name"]
    date_hierarchy = "last_message_at"
    fields = ["kind", "client", "title", "created_by", "created_at", "last_message_at"]
    readonly_fields = fields
    inlines = [MessageInline]

    def get_queryset(self, request):
        return thread_list_for(user=request.user).select_related("created_by")

    @admin.display(description=gettext_lazy("unread"), ordering="unread")
    def unread(self, obj):
        return obj.unread or ""

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


register_in_backoffice(Thread, ThreadAdmin)


class RecipientInline(admin.TabularInline):
    """Who got the announcement, and when."""

    model = AnnouncementRecipient
    fields = ["client", "delivered_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("client").order_by("client__first_name")

    def has_view_permission(self, request, obj=None):
        return is_staff_member(request.user)  # the announcement's own page decided who

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AnnouncementAdmin(StaffAdminMixin, admin.ModelAdmin):
    """Announcements sent and scheduled (a coach: their own). "Add" opens the page that
    writes one (``backoffice.views.announcements``); they are not changed here (a
    scheduled one is cancelled through the API)."""

    list_display = ["__str__", "created_by", "send_at", "status", "recipient_count"]
    list_filter = ["status", "delivery"]
    search_fields = ["body"]
    date_hierarchy = "send_at"
    fields = [
        "body",
        "segment",
        "delivery",
        "created_by",
        "created_at",
        "send_at",
        "status",
        "sent_at",
        "recipient_count",
    ]
    readonly_fields = fields
    inlines = [RecipientInline]

    def get_queryset(self, request):
        return announcement_queryset_for(user=request.user)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            return super().add_view(request, form_url, extra_context)  # its 403
        return redirect("backoffice:messaging_announcement_new")

    def save_model(self, request, obj, form, change):
        """Never reached (the add form is never shown, nothing is changed here): an
        announcement is written on its own page, through ``announcement_create``."""
        raise PermissionDenied(gettext_lazy("Write announcements on the New announcement page."))

    def save_related(self, request, form, formsets, change):
        """Never reached either: its recipients are the send's, not a form's."""
        raise PermissionDenied(gettext_lazy("Write announcements on the New announcement page."))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


register_in_backoffice(Announcement, AnnouncementAdmin)
