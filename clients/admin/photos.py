"""Back office: progress photos of the clients you coach.

Images are shown through the permission-checked views of ``clients.views.photos``;
uploads go through ``photo_upload`` (checked by content, cleaned, thumbnail in the
worker). A client's photos page and the side-by-side comparison are pages of their
own: ``backoffice.views.client_photos``.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.platform.limits import storage_check
from mectofitness.core.admin_registry import register_in_backoffice
from mectofitness.core.uploads import file_route_limit

from ..models import ProgressPhoto
from ..selectors import client_queryset_for
from ..services.measurements import client_today
from ..services.photos import (
    MAX_UPLOAD_BYTES,
    accepted_types_text,
    photo_delete,
    photo_image_clean,
    photo_update,
    photo_upload,
)


class PhotoAdminForm(forms.ModelForm):
    """Add: client, pose, date and the file. Change: pose and date only."""

    upload = forms.FileField(
        label=gettext_lazy("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )

    class Meta:
        model = ProgressPhoto
        fields = ["client", "pose", "taken_on"]
        error_messages = {
            "client": {
                "required": gettext_lazy("Choose the client."),
                "invalid_choice": gettext_lazy("Choose one of your clients."),
            },
            "pose": {"required": gettext_lazy("Choose front, side or back.")},
            "taken_on": {"required": gettext_lazy("Enter the date the photo was taken.")},
        }

    cleaned_image = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["upload"].required = True
            self.fields["upload"].error_messages["required"] = _("Choose a photo to upload.")
            self.fields["upload"].help_text = _("%(types)s, up to %(mb)s MB.") % {
                "types": accepted_types_text(),
                "mb": MAX_UPLOAD_BYTES // (1024 * 1024),
            }

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if self.instance.pk or not upload:
            return upload
        try:
            self.cleaned_image = photo_image_clean(upload)
            storage_check(adding_bytes=self.cleaned_image.size, field="image")
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["image"]) from None
        return upload

    def clean_taken_on(self):
        taken_on = self.cleaned_data.get("taken_on")
        client = self.cleaned_data.get("client") or getattr(self.instance, "client", None)
        if taken_on and client and taken_on > client_today(client=client):
            raise ValidationError(_("The date cannot be in the future."))
        return taken_on


class ProgressPhotoAdmin(admin.ModelAdmin):
    form = PhotoAdminForm
    body_max_bytes = file_route_limit(MAX_UPLOAD_BYTES)  # add and change: one photo
    list_display = ["preview", "client", "pose", "taken_on", "uploaded_by"]
    list_display_links = ["preview", "taken_on"]
    list_filter = ["pose"]
    list_select_related = ["client", "uploaded_by"]
    date_hierarchy = "taken_on"
    search_fields = ["client__first_name", "client__last_name", "client__email"]
    raw_id_fields = ["client"]
    list_per_page = 40

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(client__in=client_queryset_for(user=request.user))
            .select_related("client", "uploaded_by")
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "client":
            kwargs["queryset"] = client_queryset_for(user=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["client", "upload", "pose", "taken_on"]
        return ["client", "large_preview", "pose", "taken_on", "uploaded_by"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["client", "large_preview", "uploaded_by"]

    @admin.display(description=gettext_lazy("photo"))
    def preview(self, obj):
        return format_html(
            '<img class="mf-photo-thumb" src="{}" alt="{}" loading="lazy" width="64" height="64">',
            reverse("progress_photo_thumb", args=[obj.pk]),
            _("%(pose)s, %(date)s") % {"pose": obj.get_pose_display(), "date": obj.taken_on},
        )

    @admin.display(description=gettext_lazy("photo"))
    def large_preview(self, obj):
        return format_html(
            '<img class="mf-photo-large" src="{}" alt="{}">',
            reverse("progress_photo_file", args=[obj.pk]),
            _("%(pose)s, %(date)s") % {"pose": obj.get_pose_display(), "date": obj.taken_on},
        )

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            photo_update(photo=obj, pose=data["pose"], taken_on=data["taken_on"], by=request.user)
            return
        photo = photo_upload(
            client=data["client"],
            upload=data["upload"],
            cleaned=form.cleaned_image,
            pose=data["pose"],
            taken_on=data["taken_on"],
            by=request.user,
        )
        obj.pk = photo.pk
        obj.image = photo.image

    def delete_model(self, request, obj):
        photo_delete(photo=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for photo in queryset:
            photo_delete(photo=photo, by=request.user)


register_in_backoffice(ProgressPhoto, ProgressPhotoAdmin)
