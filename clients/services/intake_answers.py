"""Intake forms: answering them. A client fills a form they were asked to (or a
check-in) in the portal or through the API; a lead answers a form's shareable link.
Answers are validated by ``clients.forms_intake`` before they arrive here; files
are stored privately (``ResponseFile``) and counted against the plan's storage.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import asdict, dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import OWNER
from mectofitness.core.context_processors import business_url
from mectofitness.core.mail import send_business_mail
from mectofitness.core.quotas import storage_check, storage_counted
from mectofitness.core.tasks import enqueue_on_commit

from ..forms_intake import answers_check_complete
from ..models import Client, Questionnaire, QuestionnaireVersion, Response, ResponseFile
from ..selectors_intake import questionnaire_current_version
from .bell import answers_bell
from .intake_held import held_response_confirm_request
from .records import client_create, client_touch

# queued by name: the task module imports this one (clients.tasks.intake)
NOTIFY_TASK = "clients.tasks.intake.response_submitted_notify_task"


# --- answers ----------------------------------------------------------------------------


def _file_keys(version: QuestionnaireVersion) -> set[str]:
    return {spec["key"] for spec in version.fields if spec["type"] == "file"}


def _file_store(*, response: Response, key: str, upload: UploadedFile) -> ResponseFile:
    """Save one uploaded answer file (replacing an earlier one for the same question)."""
    for old in response.files.filter(field_key=key):
        name, storage = old.file.name, old.file.storage
        old.delete()
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    content_type = upload.sniffed_type
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
        content_type, "webp"
    )
    content = getattr(upload, "cleaned_content", None)
    if content is None:
        upload.seek(0)
        content = ContentFile(upload.read())
    original = os.path.basename(str(upload.name or "file")).strip()[:200] or "file"
    stored = ResponseFile(
        response=response,
        field_key=key,
        original_name=original,
        content_type=content_type,
        size=content.size,
    )
    stored.file.save(f"{secrets.token_urlsafe(18)}.{extension}", content, save=False)
    stored.save()
    return stored


def _upload_size(upload: UploadedFile) -> int:
    content = getattr(upload, "cleaned_content", None)
    return (content.size if content is not None else upload.size) or 0


def _uploads_storage_check(*, response: Response, uploads: dict[str, UploadedFile]) -> int:
    """Refuse the uploads (keyed by the first file question) when they would take the
    business past its plan's storage; files they replace are counted as freed.
    Returns the bytes added. One query when there are uploads, none otherwise."""
    if not uploads:
        return 0
    new = sum(_upload_size(upload) for upload in uploads.values())
    replaced = (
        response.files.filter(field_key__in=list(uploads)).aggregate(total=Sum("size"))["total"]
        or 0
    )
    storage_check(adding_bytes=new - replaced, field=next(iter(uploads)))
    return new - replaced


@transaction.atomic
def response_save(
    *,
    response: Response,
    answers: dict[str, object],
    uploads: dict[str, UploadedFile] | None = None,
    submit: bool,
    merge: bool = False,
) -> Response:
    """Store answers on a draft and, with ``submit``, send it.

    ``answers`` and ``uploads`` are what ``AnswersForm`` cleaned (its ``answers()``
    and ``uploads()``; the API: ``answers_clean``). ``merge`` keeps stored answers
    not given now (the API's partial update); otherwise the answers replace what
    was stored, except files already uploaded. Sending checks again that every
    required question is answered; a response is sent once and never changes after."""
    response = Response.objects.select_for_update().select_related("version").get(pk=response.pk)
    if response.status == Response.Status.SUBMITTED:
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("This was already sent. Thank you!")]}, code="already_sent"
        )
    version = response.version
    file_keys = _file_keys(version)
    stored = dict(response.answers) if merge else {}
    for key in file_keys:
        if key in response.answers:
            stored[key] = response.answers[key]
    stored.update(answers)
    added = _uploads_storage_check(response=response, uploads=uploads or {})
    for key, upload in (uploads or {}).items():
        saved = _file_store(response=response, key=key, upload=upload)
        stored[key] = {
            "file_id": saved.pk,
            "name": saved.original_name,
            "size": saved.size,
            "content_type": saved.content_type,
        }
    if submit:
        answers_check_complete(
            version=version,
            answers=stored,
            have_files={key for key in file_keys if key in stored},
        )
    response.answers = stored
    fields = ["answers"]
    if submit:
        response.status = Response.Status.SUBMITTED
        response.submitted_at = timezone.now()
        fields += ["status", "submitted_at"]
    response.save(update_fields=fields)
    if added > 0:
        storage_counted(added_bytes=added)
    if submit and response.client_id:
        client_touch(client=response.client)
        if version.questionnaire.kind == Questionnaire.Kind.INTAKE:
            enqueue_on_commit(NOTIFY_TASK, response_id=response.pk)
        elif response.period_start is not None:
            # a check-in waits in the coach's queue (no mail); the bell says it is there
            answers_bell(response=response, client=response.client)
    return response


# --- leads through the shareable link --------------------------------------------------


@dataclass(frozen=True)
class LeadContact:
    """Who the shareable link says answered (``LeadContactForm`` cleaned it)."""

    email: str
    first_name: str = ""
    last_name: str = ""
    phone: str = ""


@transaction.atomic
def lead_intake_submit(
    *,
    questionnaire: Questionnaire,
    contact: LeadContact,
    answers: dict,
    uploads: dict[str, UploadedFile] | None = None,
) -> Response:
    """A lead answered a shareable link; their answers are kept with the version they saw.

    A new e-mail address: a new client record in the lead stage, with the answers.
    An address a client already has: nothing on that client changes. Anyone can type
    anyone's address into an open form, so the answers are held off the record
    (``match``) and the address is asked by e-mail to confirm them
    (``held_response_confirm``); a coach who may see the client can also merge them
    or keep them as a separate lead. The person answering is told the same either way.
    """
    version = questionnaire_current_version(questionnaire=questionnaire)
    if version is None:
        raise ValidationError({NON_FIELD_ERRORS: [_("This form is not ready yet.")]})
    # addresses match in any case: kept in lower case, like the records' own
    email = contact.email.strip().lower()
    if not email:
        # matching on a blank address would pick any client without one
        raise ValidationError({"email": _("We need your e-mail address to get back to you.")})
    match = Client.objects.filter(email__iexact=email).first()
    client = None
    if match is None:
        try:
            with transaction.atomic():
                client = client_create(
                    by=None,
                    first_name=contact.first_name,
                    last_name=contact.last_name,
                    email=email,
                    phone=contact.phone,
                    source=Client.Source.INTAKE,
                    status=Client.Status.LEAD,
                )
        except (IntegrityError, ValidationError):
            # the same address sent the form twice at once: the other request made the
            # record, and this answer is held like any other for a known address
            match = Client.objects.filter(email__iexact=email).first()
            if match is None:
                raise
    response = Response.objects.create(
        version=version, client=client, contact={**asdict(contact), "email": email}
    )
    response = response_save(response=response, answers=answers, uploads=uploads, submit=True)
    if match is not None:
        # held from the moment it is sent (the database refuses a held draft)
        response.match = match
        response.save(update_fields=["match"])
        held_response_confirm_request(response=response)
    return response


def response_submitted_notify(*, response: Response) -> int:
    """Tell the client's primary coach (or the owners) that answers arrived; for
    held answers (``match``), the possible match's coach, that they wait for them."""
    client = response.client or response.match
    if client is None:
        return 0
    if client.primary_coach_id and client.primary_coach.is_active:
        recipients = [client.primary_coach.email]
    else:
        recipients = list(
            User.objects.filter(groups__name=OWNER, is_active=True).values_list("email", flat=True)
        )
    if not response.is_held:
        answers_bell(response=response, client=client)  # the bell and push, beside the mail
    if not recipients:
        return 0
    business = getattr(connection, "tenant", None)
    title = response.version.questionnaire.title
    if response.is_held:
        link = business_url(
            getattr(business, "slug", ""), f"/admin/clients/response/held/{response.pk}/"
        )
        subject = _("Possible match: %(form)s with the e-mail of %(name)s") % {
            "form": title,
            "name": client.full_name,
        }
        body = _(
            "Someone answered “%(form)s” through the form's link with the e-mail address "
            "of %(name)s. The answers are kept apart from %(name)s's record until the "
            "address confirms them by e-mail, or you merge them or keep them as a "
            "separate lead:\n%(link)s\n"
        ) % {"name": client.full_name, "form": title, "link": link}
    else:
        link = business_url(
            getattr(business, "slug", ""), f"/admin/clients/response/{response.pk}/change/"
        )
        subject = _("New answers: %(form)s from %(name)s") % {
            "form": title,
            "name": client.full_name,
        }
        body = _(
            "%(name)s answered “%(form)s”.\n\nRead the answers in the back office:\n%(link)s\n"
        ) % {"name": client.full_name, "form": title, "link": link}
    return send_business_mail(business=business, to=recipients, subject=subject, body=body)
