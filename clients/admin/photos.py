"""Back office: progress photos of the clients you coach.

Images are shown through the permission-checked views of ``clients.views.photos``;
uploads go through ``photo_upload`` (checked by content, cleaned, thumbnail in the
worker). A client's photos page and the side-by-side comparison are pages of their
own: ``backoffice.views.client_photos``.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mectofitness.core.admin_registry import register_in_backoffice
from mectofitness.core.uploads import file_route_limit

from ..forms_progress import PhotoAdminForm
from ..models import ProgressPhoto
from ..selectors import client_queryset_for
from ..services.photos import MAX_UPLOAD_BYTES, photo_delete, photo_update, photo_upload


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
