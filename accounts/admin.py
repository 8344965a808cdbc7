from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mectofitness.core.admin_registry import register_in_backoffice
from mectofitness.core.deletion import deleted_objects

from .models import Invitation, User
from .policies import is_owner, role_of
from .roles import OWNER
from .services import (
    invitation_create,
    invitation_resend,
    invitation_revoke,
    invitations_delete,
    other_active_owner_exists,
    role_save,
    roles_delete,
    user_access_set,
    user_save,
    users_delete,
)


class BackOfficeUserChangeForm(UserChangeForm):
    """Refuses to leave the business without an active owner."""

    def clean(self):
        cleaned = super().clean()
        user = self.instance
        if user.pk and role_of(user) == OWNER:
            groups = cleaned.get("groups")
            stays_owner = (
                cleaned.get("is_active", True)
                and cleaned.get("is_staff", True)
                and (groups is None or groups.filter(name=OWNER).exists())
            )
            if not stays_owner and not other_active_owner_exists(user=user):
                raise forms.ValidationError(
                    _("%(email)s is the only owner: make someone else an owner first.")
                    % {"email": user.email}
                )
        return cleaned


class UserAdmin(BaseUserAdmin):
    form = BackOfficeUserChangeForm
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "groups"]
    search_fields = ["email", "first_name", "last_name", "phone"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "phone", "timezone", "avatar"]}),
        (
            _("Access"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def has_delete_permission(self, request, obj=None):
        if obj is not None and role_of(obj) == OWNER and not other_active_owner_exists(user=obj):
            return False  # the last owner stays
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        user_save(user=obj, by=request.user)

    def save_related(self, request, form, formsets, change):
        user_access_set(
            user=form.instance,
            by=request.user,
            groups=form.cleaned_data.get("groups"),
            permissions=form.cleaned_data.get("user_permissions"),
        )

    def get_deleted_objects(self, objs, request):
        return deleted_objects(objs, request, self.admin_site)  # this schema's rows only

    def delete_model(self, request, obj):
        users_delete(users=[obj], by=request.user)

    def delete_queryset(self, request, queryset):
        users_delete(users=list(queryset), by=request.user)


class RoleAdmin(GroupAdmin):
    """Roles: what owners, coaches and clients (and roles of the owner's own) may do."""

    def save_model(self, request, obj, form, change):
        role_save(role=obj, by=request.user)

    def save_related(self, request, form, formsets, change):
        role_save(
            role=form.instance, by=request.user, permissions=form.cleaned_data.get("permissions")
        )

    def delete_model(self, request, obj):
        roles_delete(roles=[obj], by=request.user)

    def delete_queryset(self, request, queryset):
        roles_delete(roles=list(queryset), by=request.user)


admin.site.register(User, UserAdmin)
register_in_backoffice(User, UserAdmin)
register_in_backoffice(Group, RoleAdmin)


class InvitationAddForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role", "first_name", "last_name"]


class InvitationAdmin(admin.ModelAdmin):
    """Invite coaches (owner) and clients (owner, coaches); resend or revoke."""

    list_display = ["email", "role", "status_display", "invited_by", "created_at", "expires_at"]
    list_filter = ["role"]
    search_fields = ["email", "first_name", "last_name"]
    actions = ["resend", "revoke"]
    form = InvitationAddForm

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("invited_by")
        if not is_owner(request.user):
            queryset = queryset.filter(role=Invitation.Role.CLIENT)
        return queryset

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["email", "role", "first_name", "last_name"]
        return [
            "email",
            "role",
            "first_name",
            "last_name",
            "status_display",
            "invited_by",
            "created_at",
            "sent_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
            "user",
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj else []

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not is_owner(request.user):
            kwargs["choices"] = [(Invitation.Role.CLIENT, Invitation.Role.CLIENT.label)]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    @admin.display(description=_("status"))
    def status_display(self, obj):
        return obj.status

    def save_model(self, request, obj, form, change):
        """New invitations go through the service (checks, token, e-mail)."""
        try:
            created = invitation_create(
                email=obj.email,
                role=obj.role,
                invited_by=request.user,
                first_name=obj.first_name,
                last_name=obj.last_name,
            )
        except (ValidationError, PermissionDenied) as exc:
            raise _AddFailed(exc) from exc
        obj.pk = created.pk

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except _AddFailed as failed:
            self.message_user(request, " ".join(_messages(failed.error)), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def delete_model(self, request, obj):
        invitations_delete(invitations=[obj], by=request.user)

    def delete_queryset(self, request, queryset):
        invitations_delete(invitations=list(queryset), by=request.user)

    def log_addition(self, request, obj, message):
        return None if obj.pk is None else super().log_addition(request, obj, message)

    @admin.action(description=_("Resend selected invitations"))
    def resend(self, request, queryset):
        self._each(
            request,
            queryset,
            invitation_resend,
            ("Resent %d invitation.", "Resent %d invitations."),
        )

    @admin.action(description=_("Revoke selected invitations"))
    def revoke(self, request, queryset):
        self._each(
            request,
            queryset,
            invitation_revoke,
            ("Revoked %d invitation.", "Revoked %d invitations."),
        )

    def _each(self, request, queryset, service, done):
        count = 0
        for invitation in queryset:
            try:
                service(invitation=invitation, by=request.user)
                count += 1
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(
                    request,
                    # not starting with the address: the admin capitalises messages
                    _("Skipped %(email)s: %(reason)s")
                    % {"email": invitation.email, "reason": " ".join(_messages(exc))},
                    messages.WARNING,
                )
        if count:
            singular, plural = done
            self.message_user(request, ngettext(singular, plural, count) % count, messages.SUCCESS)


class _AddFailed(Exception):
    def __init__(self, error):
        super().__init__(str(error))
        self.error = error


def _messages(exc) -> list[str]:
    return list(getattr(exc, "messages", None) or [str(exc)])


register_in_backoffice(Invitation, InvitationAdmin)
