"""Platform staff's admin (public domain): plans, and Stripe's webhook deliveries
with their failures and a reprocess action."""

from django import forms
from django.apps import apps
from django.contrib import admin, messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext_lazy as _
from djstripe.admin.actions import CustomActionMixin
from djstripe.admin.views import ConfirmCustomAction
from djstripe.models import WebhookEventTrigger

from .models import Plan
from .services import plan_save, plans_delete, trigger_reprocess


class PlanOrderForm(forms.ModelForm):
    """A row of the plan list, whose order box is named by its plan: a column header is
    not a label, and a screen reader announced a bare spin box (axe: label)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name = _("Order of %(plan)s") % {"plan": self.instance.name}
        self.fields["order"].widget.attrs["aria-label"] = name


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "key",
        "max_active_clients",
        "max_coaches",
        "storage_mb",
        "price_amount",
        "price_currency",
        "product",
        "is_public",
        "order",
    ]
    list_editable = ["order"]
    raw_id_fields = ["product"]
    search_fields = ["name", "key"]

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=PlanOrderForm, **kwargs)

    def save_model(self, request, obj, form, change):
        plan_save(plan=obj)

    def delete_model(self, request, obj):
        plans_delete(plans=[obj])

    def delete_queryset(self, request, queryset):
        plans_delete(plans=list(queryset))


class OutcomeFilter(admin.SimpleListFilter):
    title = _("outcome")
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [("failed", _("Failed (will be retried)")), ("ok", _("Processed"))]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.filter(valid=True, processed=False)
        if self.value() == "ok":
            return queryset.filter(processed=True)
        return queryset


if admin.site.is_registered(WebhookEventTrigger):
    admin.site.unregister(WebhookEventTrigger)


@admin.register(WebhookEventTrigger)
class WebhookEventTriggerAdmin(admin.ModelAdmin):
    """Every signed delivery Stripe made. A failed one (valid, not processed) shows
    its exception; Stripe retries it, and staff can reprocess it here."""

    list_display = ["created", "event_type", "event", "valid", "processed", "exception"]
    list_filter = [OutcomeFilter, "valid", "processed", "created"]
    search_fields = ["body", "exception"]
    list_select_related = ["event"]
    readonly_fields = [
        "created",
        "updated",
        "remote_ip",
        "valid",
        "processed",
        "event",
        "webhook_endpoint",
        "exception",
        "traceback",
        "headers",
        "body",
    ]
    exclude = ["stripe_trigger_account", "djstripe_version"]
    actions = ["reprocess"]

    @admin.display(description=_("event type"))
    def event_type(self, obj):
        return obj.json_body.get("type", "—")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # Stripe's deliveries are the record of what it told us

    @admin.action(description=_("Reprocess selected deliveries"))
    def reprocess(self, request, queryset):
        done = failed = 0
        for trigger in queryset.filter(valid=True):
            trigger_reprocess(trigger=trigger)
            if trigger.processed:
                done += 1
            else:
                failed += 1
        self.message_user(
            request,
            _("Reprocessed %(done)d; %(failed)d failed again.") % {"done": done, "failed": failed},
            messages.SUCCESS if not failed else messages.WARNING,
        )

    def get_queryset(self, request):
        return super().get_queryset(request).filter(Q(valid=True) | Q(exception__gt=""))


class KnownActionsOnly:
    """dj-stripe's "custom action" page (``<model>/action/<action>/<model>/``) takes the
    model and the action's handler from the address: an unknown model was a KeyError (a
    server error) and the handler any attribute of the view. Here the page opens only for
    its own model and for one of that admin's actions; any other address is not found
    (after the sign-in, as every admin page). Opened without the list's POST (a reload,
    a bookmark) it goes back to the list: the stock page failed to draw itself then."""

    def get_urls(self):
        urls = super().get_urls()
        if urls[0].name != "djstripe_custom_action":  # CustomActionMixin puts it first
            return urls
        confirm = ConfirmCustomAction.as_view()

        def action(request, action_name: str, model_name: str):
            if model_name != self.model._meta.model_name or (
                action_name not in self.get_actions(request)
            ):
                raise Http404
            if request.method != "POST":  # the list's action posts here; a reload lands there
                return redirect(f"{self.admin_site.name}:djstripe_{model_name}_changelist")
            return confirm(request, action_name=action_name, model_name=model_name)

        page = path(
            "action/<str:action_name>/<str:model_name>/",
            self.admin_site.admin_view(action),
            name=urls[0].name,
        )
        return [page, *urls[1:]]


for _model in apps.get_app_config("djstripe").get_models():
    if admin.site.is_registered(_model):
        _stock = type(admin.site.get_model_admin(_model))
        if issubclass(_stock, CustomActionMixin) and not issubclass(_stock, KnownActionsOnly):
            admin.site.unregister(_model)
            admin.site.register(_model, type(_stock.__name__, (KnownActionsOnly, _stock), {}))
