"""Back office: intake forms. The owner builds and publishes forms (a builder page,
not a JSON box), starts from templates, shares a link and sends forms to
clients; coaches see forms and their own clients' answers."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.policies import is_owner
from mectofitness.core.admin_registry import register_in_backoffice

from ..forms_intake import CheckInPlanForm
from ..models import CheckInPlan, Client, Questionnaire, Response
from ..selectors import client_queryset_for, client_search
from ..services.checkins import business_today, checkin_plan_save
from ..services.intake import (
    FIELD_TYPES,
    answer_rows,
    assignments_create,
    questionnaire_archive,
    questionnaire_create,
    questionnaire_current_version,
    questionnaire_draft,
    questionnaire_draft_save,
    questionnaire_from_starter,
    questionnaire_publish,
    questionnaire_settings_update,
    responses_for,
)
from ..starters import STARTERS

SEND_SEARCH_LIMIT = 30


def share_url(request, questionnaire: Questionnaire) -> str:
    return request.build_absolute_uri(f"/f/{questionnaire.public_token}/")


class QuestionnaireSettingsForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    description = forms.CharField(
        label=gettext_lazy("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Shown above the questions."),
    )


class QuestionnaireAdmin(admin.ModelAdmin):
    """Forms: a list, a page per form, a builder, and sending to clients."""

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

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "starter/<str:name>/", wrap(self.starter_view), name="clients_questionnaire_starter"
            ),
            path(
                "<int:pk>/builder/", wrap(self.builder_view), name="clients_questionnaire_builder"
            ),
            path("<int:pk>/send/", wrap(self.send_view), name="clients_questionnaire_send"),
            path(
                "<int:pk>/archive/", wrap(self.archive_view), name="clients_questionnaire_archive"
            ),
            *super().get_urls(),
        ]

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

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "media": self.media,
            **extra,
        }

    def _get(self, request, pk) -> Questionnaire:
        if not self.has_view_permission(request):
            raise PermissionDenied
        questionnaire = Questionnaire.objects.filter(pk=pk, archived_at__isnull=True).first()
        if questionnaire is None:
            raise Http404
        return questionnaire

    # -- new forms ---------------------------------------------------------------

    def starter_view(self, request, name):
        if request.method != "POST":
            return redirect("backoffice:clients_questionnaire_changelist")
        if not is_owner(request.user):
            raise PermissionDenied
        try:
            questionnaire = questionnaire_from_starter(by=request.user, starter=name)
        except ValidationError:
            raise Http404 from None
        messages.success(
            request,
            _("“%(title)s” is ready and published. Change anything you like in the builder.")
            % {"title": questionnaire.title},
        )
        return redirect("backoffice:clients_questionnaire_change", questionnaire.pk)

    def add_view(self, request, form_url="", extra_context=None):
        """A new form in the builder (title, kind, questions)."""
        if not is_owner(request.user):
            raise PermissionDenied
        return self._builder(request, None)

    def builder_view(self, request, pk):
        if not is_owner(request.user):
            raise PermissionDenied
        return self._builder(request, self._get(request, pk))

    def _builder(self, request, questionnaire):
        current = questionnaire and questionnaire_current_version(questionnaire=questionnaire)
        draft = questionnaire and questionnaire_draft(questionnaire=questionnaire)
        source = draft or current
        fields_data = source.fields if source else []
        errors: list[str] = []
        data = {
            "title": questionnaire.title if questionnaire else "",
            "description": questionnaire.description if questionnaire else "",
            "kind": questionnaire.kind if questionnaire else Questionnaire.Kind.INTAKE,
        }
        if request.method == "POST":
            action = request.POST.get("action", "draft")
            data = {
                "title": request.POST.get("title", ""),
                "description": request.POST.get("description", ""),
                "kind": request.POST.get("kind", data["kind"]),
            }
            raw = request.POST.get("fields_json", "[]")
            try:
                fields_data = json.loads(raw or "[]")
            except ValueError:
                fields_data = []
                errors.append(_("The questions could not be read. Reload the page and try again."))
            if not errors:
                try:
                    questionnaire = self._builder_save(
                        request, questionnaire, data, fields_data, publish=action == "publish"
                    )
                except ValidationError as exc:
                    for messages_ in exc.message_dict.values():
                        errors.extend(messages_)
                else:
                    return redirect(
                        "backoffice:clients_questionnaire_change"
                        if action == "publish"
                        else "backoffice:clients_questionnaire_builder",
                        questionnaire.pk,
                    )
        title = (
            _("Build “%(title)s”") % {"title": questionnaire.title}
            if questionnaire
            else _("New form")
        )
        context = self._context(
            request,
            title,
            questionnaire=questionnaire,
            current=current,
            draft=draft,
            data=data,
            fields_json=json.dumps(fields_data, indent=2, ensure_ascii=False),
            field_types=[[value, str(label)] for value, label in FIELD_TYPES.items()],
            kinds=Questionnaire.Kind.choices,
            errors=errors,
            next_number=(
                (max(v.number for v in questionnaire.versions.all()) + (0 if draft else 1))
                if questionnaire and questionnaire.versions.exists()
                else 1
            ),
        )
        return render(
            request,
            "clients/backoffice/intake_builder.html",
            context,
            status=400 if errors else 200,
        )

    def _builder_save(self, request, questionnaire, data, fields_data, *, publish: bool):
        from django.db import transaction

        with transaction.atomic():
            if questionnaire is None:
                questionnaire = questionnaire_create(
                    by=request.user,
                    title=data["title"],
                    kind=data["kind"],
                    description=data["description"],
                    fields=fields_data,
                    publish=publish,
                )
            else:
                questionnaire_settings_update(
                    questionnaire=questionnaire,
                    by=request.user,
                    title=data["title"],
                    description=data["description"],
                    is_public=questionnaire.is_public,
                )
                if publish:
                    questionnaire_publish(
                        questionnaire=questionnaire, by=request.user, fields=fields_data
                    )
                else:
                    questionnaire_draft_save(
                        questionnaire=questionnaire, by=request.user, fields=fields_data
                    )
        if publish:
            version = questionnaire_current_version(questionnaire=questionnaire)
            messages.success(
                request,
                _(
                    "Published version %(n)s. New answers use it; earlier answers keep the "
                    "questions they answered."
                )
                % {"n": version.number},
            )
        else:
            messages.success(request, _("Draft saved. Publish it when you are ready."))
        return questionnaire

    # -- the form's page ------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The form's page: link, schedule, versions, questions and latest answers."""
        try:
            questionnaire = self._get(request, int(object_id))
        except ValueError:
            raise Http404 from None
        owner = is_owner(request.user)
        settings_form = QuestionnaireSettingsForm(
            request.POST if request.POST.get("action") == "settings" else None,
            initial={"title": questionnaire.title, "description": questionnaire.description},
        )
        plan = CheckInPlan.objects.filter(questionnaire=questionnaire).first()
        plan_form = CheckInPlanForm(
            request.POST if request.POST.get("action") == "plan" else None,
            initial={
                "period_days": plan.period_days if plan else 7,
                "starts_on": plan.starts_on if plan else business_today(),
                "is_active": plan.is_active if plan else False,
            },
        )
        if request.method == "POST":
            if not owner:
                raise PermissionDenied
            action = request.POST.get("action")
            try:
                if action == "link":
                    questionnaire_settings_update(
                        questionnaire=questionnaire,
                        by=request.user,
                        title=questionnaire.title,
                        description=questionnaire.description,
                        is_public=request.POST.get("is_public") == "on",
                    )
                    messages.success(
                        request,
                        _("The shareable link is on.")
                        if questionnaire.is_public
                        else _("The shareable link is off."),
                    )
                    return redirect(request.path)
                if action == "settings" and settings_form.is_valid():
                    questionnaire_settings_update(
                        questionnaire=questionnaire,
                        by=request.user,
                        is_public=questionnaire.is_public,
                        **settings_form.cleaned_data,
                    )
                    messages.success(request, _("Saved."))
                    return redirect(request.path)
                if action == "plan" and plan_form.is_valid():
                    checkin_plan_save(
                        questionnaire=questionnaire, by=request.user, **plan_form.cleaned_data
                    )
                    messages.success(request, _("Check-in schedule saved."))
                    return redirect(request.path)
            except ValidationError as exc:
                target = plan_form if action == "plan" else settings_form
                for key, errors in exc.message_dict.items():
                    target.add_error(key if key in target.fields else None, errors)
        current = questionnaire_current_version(questionnaire=questionnaire)
        responses = list(
            responses_for(user=request.user)
            .filter(version__questionnaire=questionnaire, status=Response.Status.SUBMITTED)
            .order_by("-submitted_at")[:10]
        )
        context = self._context(
            request,
            questionnaire.title,
            questionnaire=questionnaire,
            owner=owner,
            current=current,
            draft=questionnaire_draft(questionnaire=questionnaire),
            versions=questionnaire.versions.filter(published_at__isnull=False).annotate(
                answers=Count("responses", filter=Q(responses__status="submitted"))
            ),
            questions=[
                {**spec, "type_label": FIELD_TYPES.get(spec["type"], spec["type"])}
                for spec in (current.fields if current else [])
            ],
            share_url=share_url(request, questionnaire),
            settings_form=settings_form,
            plan=plan,
            plan_form=plan_form,
            responses=responses,
            responses_url=reverse("backoffice:clients_response_changelist")
            + f"?version__questionnaire__id__exact={questionnaire.pk}",
        )
        status = 400 if settings_form.errors or plan_form.errors else 200
        return render(request, "clients/backoffice/intake_form.html", context, status=status)

    def archive_view(self, request, pk):
        questionnaire = self._get(request, pk)
        if request.method != "POST" or not is_owner(request.user):
            raise PermissionDenied
        questionnaire_archive(questionnaire=questionnaire, by=request.user)
        CheckInPlan.objects.filter(questionnaire=questionnaire).update(is_active=False)
        messages.success(
            request,
            _("“%(title)s” is archived. Its answers are kept.") % {"title": questionnaire.title},
        )
        return redirect("backoffice:clients_questionnaire_changelist")

    # -- sending to clients -----------------------------------------------------------

    def send_view(self, request, pk):
        """Ask clients to fill this form in the portal: search, tick, send."""
        questionnaire = self._get(request, pk)
        if not request.user.has_perm("clients.add_assignment") and not is_owner(request.user):
            raise PermissionDenied
        visible = client_queryset_for(user=request.user, include_archived=False)
        if request.method == "POST":
            ids = [int(v) for v in request.POST.getlist("clients") if v.isdigit()]
            if not ids:
                messages.error(request, _("Tick at least one client."))
            else:
                try:
                    count = assignments_create(
                        questionnaire=questionnaire,
                        clients=visible.filter(pk__in=ids),
                        by=request.user,
                    )
                except ValidationError as exc:
                    messages.error(request, " ".join(exc.messages))
                else:
                    messages.success(
                        request,
                        _("Sent to %(n)s client(s). They find it under Forms in their portal.")
                        % {"n": count}
                        if count
                        else _("Those clients already have this form to fill."),
                    )
                    return redirect("backoffice:clients_questionnaire_change", questionnaire.pk)
        query = request.GET.get("q", "").strip()
        preselected = [int(v) for v in request.GET.get("ids", "").split(",") if v.isdigit()]
        if preselected:
            found = visible.filter(pk__in=preselected)
        elif query:
            found = client_search(clients=visible, query=query)
        else:
            found = visible.order_by("-created_at")
        found = list(found[:SEND_SEARCH_LIMIT])
        assigned = dict(
            questionnaire.assignments.filter(client__in=[c.pk for c in found]).values_list(
                "client_id", "response__status"
            )
        )
        for client in found:
            client.form_state = assigned.get(client.pk, "none") if client.pk in assigned else ""
            if client.pk in assigned and assigned[client.pk] is None:
                client.form_state = "todo"
        context = self._context(
            request,
            _("Send “%(title)s”") % {"title": questionnaire.title},
            questionnaire=questionnaire,
            clients=found,
            query=query,
            preselected=set(preselected),
            limit=SEND_SEARCH_LIMIT,
            published=questionnaire_current_version(questionnaire=questionnaire) is not None,
        )
        return render(request, "clients/backoffice/intake_send.html", context)


@admin.action(description=gettext_lazy("Send a form"))
def send_form_action(modeladmin, request, queryset):
    """For the client list's actions: choose a form for the ticked clients."""
    ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[:500])
    return HttpResponseRedirect(reverse("backoffice:clients_send_form_choose") + f"?ids={ids}")


class ResponseAdmin(admin.ModelAdmin):
    """Answers as they arrive, newest first; check-in review lives in admin/checkins.py."""

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
        from ..services.intake_held import held_responses_for

        extra = {
            "title": _("Answers"),
            # answers held off a client's record are not in this list: they wait there
            "held_count": held_responses_for(user=request.user).count(),
        }
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def get_urls(self):
        from .checkins import checkin_urls
        from .held import held_urls

        wrap = self.admin_site.admin_view
        return [
            path("send-form/", wrap(self.send_form_choose_view), name="clients_send_form_choose"),
            *checkin_urls(self),
            *held_urls(self),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The answers, question by question, with the version they answered."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            response = self.get_queryset(request).get(pk=int(object_id))
        except (ValueError, Response.DoesNotExist):
            raise Http404 from None
        if response.period_start is not None:
            return redirect("backoffice:clients_checkin_review", response.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("%(form)s — %(name)s")
            % {"form": response.version.questionnaire.title, "name": response.client or _("lead")},
            "response": response,
            "rows": answer_rows(response=response),
        }
        return render(request, "clients/backoffice/intake_response.html", context)

    def send_form_choose_view(self, request):
        """From the client list's "Send a form": which form to send to the ticked clients."""
        ids = request.GET.get("ids", "")
        forms_ = Questionnaire.objects.filter(
            kind=Questionnaire.Kind.INTAKE,
            archived_at__isnull=True,
            versions__published_at__isnull=False,
        ).distinct()
        context = {
            **self.admin_site.each_context(request),
            "opts": Questionnaire._meta,
            "title": _("Send a form"),
            "forms": forms_,
            "ids": ",".join(v for v in ids.split(",") if v.isdigit()),
            "count": len([v for v in ids.split(",") if v.isdigit()]),
        }
        return render(request, "clients/backoffice/intake_send_choose.html", context)


register_in_backoffice(Questionnaire, QuestionnaireAdmin)
register_in_backoffice(Response, ResponseAdmin)
