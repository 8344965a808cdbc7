"""Back office: the lists of forms and of answers. The pages that are more than a
list (the builder, a form's page, sending, an answer, check-in review, possible
matches) are views of the back office: ``backoffice/views/intake_forms.py`` and its
neighbours, at the same addresses under these lists."""

from django.contrib import admin
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.policies import is_owner
from mectofitness.core.admin_registry import register_in_backoffice

from ..models import Client, Questionnaire, Response
from ..selectors_intake import held_responses_for, responses_for
from ..services.intake_questionnaires import questionnaire_create, questionnaire_settings_update
from ..starters import STARTERS


class QuestionnaireAdmin(admin.ModelAdmin):
    """Forms in use, with the templates to start from. Adding and changing a form
    happen in the builder and on the form's page; forms are archived, not deleted."""

    list_display = ["title", "kind", "version_display", "link_display", "answers_display"]
    list_filter = ["kind"]
    search_fields = ["title"]
    change_list_template = "clients/backoffice/intake_changelist.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(archived_at__isnull=True)
            .annotate(
                version_top=Count("versions", filter=Q(versions__published_at__isnull=False)),
                answer_count=Count(
                    "versions__responses", filter=Q(versions__responses__status="submitted")
                ),
            )
        )

    @admin.display(description=gettext_lazy("version"), ordering="version_top")
    def version_display(self, obj):
        return f"v{obj.version_top}" if obj.version_top else _("draft")

    @admin.display(description=gettext_lazy("shareable link"), boolean=True)
    def link_display(self, obj):
        return obj.is_public

    @admin.display(description=gettext_lazy("answers"), ordering="answer_count")
    def answers_display(self, obj):
        return obj.answer_count

    def has_add_permission(self, request):
        return is_owner(request.user)

    def has_change_permission(self, request, obj=None):
        return is_owner(request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # archive instead: answers point at the versions

    def save_model(self, request, obj, form, change):
        """The builder and the form's page (back-office views at this list's add and
        change addresses) are where forms are made; were the list's own form used, it
        would save through the same services."""
        if change:
            questionnaire_settings_update(
                questionnaire=obj,
                by=request.user,
                title=obj.title,
                description=obj.description,
                is_public=obj.is_public,
            )
        else:
            created = questionnaire_create(
                by=request.user,
                title=obj.title,
                kind=obj.kind,
                description=obj.description,
                is_public=obj.is_public,
            )
            obj.pk = created.pk

    def changelist_view(self, request, extra_context=None):
        extra = {
            "starters": [
                {
                    "name": name,
                    "title": data["title"],
                    "summary": data["summary"],
                    "kind": data["kind"],
                }
                for name, data in STARTERS.items()
            ],
            "can_build": is_owner(request.user),
            "title": _("Forms"),
        }
        return super().changelist_view(request, {**extra, **(extra_context or {})})


@admin.action(description=gettext_lazy("Send a form"))
def send_form_action(modeladmin, request, queryset):
    """For the client list's actions: choose a form for the ticked clients."""
    ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[:500])
    return HttpResponseRedirect(reverse("backoffice:clients_send_form_choose") + f"?ids={ids}")


class ResponseAdmin(admin.ModelAdmin):
    """Answers as they arrive, newest first. Nobody adds, changes or deletes answers
    here; an answer's page is ``backoffice.views.intake_sending.response_view``."""

    list_display = ["client_display", "form_display", "version_display", "status", "submitted_at"]
    list_filter = ["version__questionnaire__kind", "status", "version__questionnaire"]
    search_fields = ["client__search_name", "client__search_email"]
    list_select_related = ["client", "version__questionnaire"]
    ordering = ["-submitted_at", "-started_at"]
    change_list_template = "clients/backoffice/intake_responses_changelist.html"

    def get_queryset(self, request):
        return responses_for(user=request.user).filter(status=Response.Status.SUBMITTED)

    @admin.display(description=gettext_lazy("client"), ordering="client__last_name")
    def client_display(self, obj):
        if obj.client is None:
            return "—"
        badge = (
            format_html(' <span class="mf-badge">{}</span>', _("lead"))
            if obj.client.status == Client.Status.LEAD
            else ""
        )
        return format_html("{}{}", obj.client.full_name, badge)

    @admin.display(description=gettext_lazy("form"), ordering="version__questionnaire__title")
    def form_display(self, obj):
        return obj.version.questionnaire.title

    @admin.display(description=gettext_lazy("version"))
    def version_display(self, obj):
        return f"v{obj.version.number}"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        extra = {
            "title": _("Answers"),
            # answers held off a client's record are not in this list: they wait there
            "held_count": held_responses_for(user=request.user).count(),
        }
        return super().changelist_view(request, {**extra, **(extra_context or {})})


register_in_backoffice(Questionnaire, QuestionnaireAdmin)
register_in_backoffice(Response, ResponseAdmin)
