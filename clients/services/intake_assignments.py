"""Intake forms: sending them to clients. Staff ask clients to fill a form in the
portal (an ``Assignment``), may withdraw it until it is sent, and the client's
draft for it starts on the form's current version."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_staff_member

from ..models import Assignment, Client, Questionnaire, Response
from ..selectors import client_queryset_for
from ..selectors_intake import questionnaire_current_version


@transaction.atomic
def assignments_create(*, questionnaire: Questionnaire, clients: QuerySet[Client], by: User) -> int:
    """Ask ``clients`` to fill ``questionnaire`` in the portal. Clients already asked
    and not done yet are left alone; clients who answered before are asked again.
    Only clients ``by`` may see are assigned. Returns how many were asked."""
    if questionnaire.kind != Questionnaire.Kind.INTAKE or questionnaire.archived_at:
        raise ValidationError({"questionnaire": _("Choose an intake form that is in use.")})
    if questionnaire_current_version(questionnaire=questionnaire) is None:
        raise ValidationError({"questionnaire": _("Publish the form before sending it.")})
    allowed = client_queryset_for(user=by).filter(pk__in=clients.values("pk"))
    ids = set(allowed.exclude(status=Client.Status.ARCHIVED).values_list("pk", flat=True))
    existing = {
        assignment.client_id: assignment
        for assignment in Assignment.objects.select_for_update(of=("self",))
        .filter(questionnaire=questionnaire, client_id__in=ids)
        .select_related("response")
    }
    now = timezone.now()
    count = 0
    for client_id in ids:
        assignment = existing.get(client_id)
        if assignment is None:
            Assignment.objects.create(
                questionnaire=questionnaire, client_id=client_id, assigned_by=by, assigned_at=now
            )
            count += 1
        elif assignment.response and assignment.response.status == Response.Status.SUBMITTED:
            # asked again: a new round; the earlier answers stay on the client's record
            assignment.response = None
            assignment.assigned_by = by
            assignment.assigned_at = now
            assignment.save(update_fields=["response", "assigned_by", "assigned_at"])
            count += 1
    return count


@transaction.atomic
def assignment_withdraw(*, assignment: Assignment, by: User) -> None:
    """Take back a form the client has not sent yet, with their draft of it. Staff who
    may see the client only; a form already sent stays (ValidationError)."""
    if not is_staff_member(by):
        raise PermissionDenied(_("Only staff withdraw forms."))
    # lock the row: the client may be sending it at this moment
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("response")
        .filter(pk=assignment.pk, client__in=client_queryset_for(user=by))
        .first()
    )
    if assignment is None:
        raise PermissionDenied(_("This is not one of your clients."))
    if assignment.response and assignment.response.status == Response.Status.SUBMITTED:
        raise ValidationError(_("The client already sent this form."), code="already_sent")
    if assignment.response is not None:
        assignment.response.delete()
    assignment.delete()


@transaction.atomic
def assignment_response_start(*, assignment: Assignment) -> Response:
    """The response a client fills for an assignment: their draft, or a new one on the
    current version. Raises ValidationError if they already sent it."""
    assignment = (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("response")
        .get(pk=assignment.pk)
    )
    if assignment.response is not None:
        if assignment.response.status == Response.Status.SUBMITTED:
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("This was already sent. Thank you!")]}, code="already_sent"
            )
        return assignment.response
    version = questionnaire_current_version(questionnaire=assignment.questionnaire)
    if version is None:
        raise ValidationError({NON_FIELD_ERRORS: [_("This form is not ready yet.")]})
    response = Response.objects.create(version=version, client=assignment.client)
    assignment.response = response
    assignment.save(update_fields=["response"])
    return response
