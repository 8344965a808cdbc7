"""Clients out: the CSV of a list, and a zip of everything kept about one client.

Both leave an entry in the audit trail.
"""

import csv
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_owner

from ..models import (
    AuditEntry,
    Client,
    ClientNote,
    ClientStatusChange,
    Measurement,
    ProgressPhoto,
    Response,
    ResponseFile,
)
from ..selectors import client_queryset_for
from .audit import audit_entry_add, client_initials, client_subject
from .csv_format import EXPORT_HEADER, csv_cell
from .data_parts import client_data_parts


class _Line:
    def write(self, value: str) -> str:
        return value


def clients_csv_export(*, clients: QuerySet[Client]) -> Iterator[str]:
    """The lines of a CSV of ``clients`` (first the header, with a BOM so Excel reads
    UTF-8). The columns are the import template's, so an export imports again.

    Keeps the queryset's order. Lazy: three queries per 500 clients, while streaming.
    """
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(EXPORT_HEADER)
    if not clients.query.order_by and not clients.query.default_ordering:
        clients = clients.order_by("last_name", "first_name", "pk")
    clients = clients.select_related("primary_coach").prefetch_related("tags", "coaches")
    for client in clients.iterator(chunk_size=500):
        yield writer.writerow(
            [
                csv_cell(value)
                for value in (
                    client.first_name,
                    client.last_name,
                    client.email,
                    client.phone,
                    client.date_of_birth.isoformat() if client.date_of_birth else "",
                    client.gender,
                    client.status,
                    "; ".join(tag.name for tag in client.tags.all()),
                    client.goals,
                    client.experience_level,
                    client.injuries,
                    client.medical_notes,
                    client.emergency_contact_name,
                    client.emergency_contact_phone,
                    client.source,
                    client.primary_coach.email if client.primary_coach else "",
                    "; ".join(coach.email for coach in client.coaches.all()),
                    timezone.localtime(client.created_at).strftime("%Y-%m-%d %H:%M"),
                    timezone.localtime(client.status_changed_at).strftime("%Y-%m-%d %H:%M"),
                    timezone.localtime(client.last_activity_at).strftime("%Y-%m-%d %H:%M")
                    if client.last_activity_at
                    else "",
                    client.pk,
                )
            ]
        )


def clients_list_export_record(
    *, by: User, clients: QuerySet[Client], filters: dict | None = None
) -> AuditEntry:
    """The audit entry of a list export (one COUNT, one INSERT)."""
    count = clients.count()
    return audit_entry_add(
        action=AuditEntry.Action.LIST_EXPORT,
        by=by,
        subject=_("%(count)s clients") % {"count": count},
        count=count,
        filters={
            key: value for key, value in (filters or {}).items() if value not in (None, "", [])
        },
    )


# --- one client's data ----------------------------------------------------------------


def client_export_check(*, user: User, client: Client) -> None:
    """May ``user`` take ``client``'s data away? The client themself, the owner, or a
    coach with clients.export_client who sees the client. Raises PermissionDenied
    (callers have already hidden clients the user cannot see with a 404)."""
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied
    if client.user_id and client.user_id == user.pk:
        return
    if not user.is_staff or not client_queryset_for(user=user).filter(pk=client.pk).exists():
        raise PermissionDenied(_("You cannot export this client's data."))
    if not (is_owner(user) or user.has_perm("clients.export_client")):
        raise PermissionDenied(_("Exporting a client's data needs the owner's permission."))


def _person(user: User | None) -> dict | None:
    if user is None:
        return None
    return {"name": f"{user.first_name} {user.last_name}".strip(), "email": user.email}


def client_export_documents(*, client: Client) -> dict[str, object]:
    """Every record about ``client`` as JSON-ready documents: client, measurements,
    responses (each with the questions of the version it answered). Nine queries."""
    record = {
        name: getattr(client, name)
        for name in (
            "id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "date_of_birth",
            "gender",
            "goals",
            "experience_level",
            "injuries",
            "medical_notes",
            "emergency_contact_name",
            "emergency_contact_phone",
            "timezone",
            "units",
            "source",
            "status",
            "status_changed_at",
            "last_activity_at",
            "created_at",
            "updated_at",
        )
    }
    record["has_portal_login"] = bool(client.user_id)
    record["primary_coach"] = _person(client.primary_coach)
    record["other_coaches"] = [_person(coach) for coach in client.coaches.all()]
    record["tags"] = [tag.name for tag in client.tags.all()]
    record["status_history"] = [
        {
            "from": change.from_status,
            "to": change.to_status,
            "at": change.changed_at,
            "by": _person(change.changed_by),
        }
        for change in ClientStatusChange.objects.filter(client=client).select_related("changed_by")
    ]
    record["notes"] = [
        {
            "body": note.body,
            "pinned": note.is_pinned,
            "written_at": note.created_at,
            "updated_at": note.updated_at,
            "author": _person(note.author),
        }
        for note in ClientNote.objects.filter(client=client).select_related("author")
    ]
    measurements = [
        {
            "metric": m.metric.key,
            "metric_name": m.metric.name,
            "kind": m.metric.kind,
            "unit": {"mass": "kg", "length": "cm", "percent": "%"}.get(
                m.metric.kind, m.metric.unit
            ),
            "value": m.value,
            "measured_on": m.measured_on,
            "note": m.note,
            "recorded_at": m.created_at,
        }
        for m in Measurement.objects.filter(client=client)
        .select_related("metric")
        .order_by("measured_on", "metric__position")
    ]
    responses = []
    for response in (
        Response.objects.filter(client=client)
        .select_related("version__questionnaire", "reviewed_by")
        .prefetch_related("files")
        .order_by("started_at", "pk")
    ):
        version = response.version
        responses.append(
            {
                "id": response.pk,
                "questionnaire": version.questionnaire.title,
                "kind": version.questionnaire.kind,
                "version": version.number,
                "questions": version.fields,
                "answers": response.answers,
                "status": response.status,
                "started_at": response.started_at,
                "submitted_at": response.submitted_at,
                "period_start": response.period_start,
                "reviewed_at": response.reviewed_at,
                "reviewed_by": _person(response.reviewed_by),
                "coach_comment": response.coach_comment,
                "files": [
                    {"question": f.field_key, "name": f.original_name, "path": _file_path(f)}
                    for f in response.files.all()
                ],
            }
        )
    return {"client": record, "measurements": measurements, "responses": responses}


def _photo_path(photo: ProgressPhoto) -> str:
    extension = (photo.image.name.rsplit(".", 1)[-1] if "." in photo.image.name else "jpg").lower()
    return f"photos/{photo.taken_on.isoformat()}-{photo.pose}-{photo.pk}.{extension}"


def _file_path(upload: ResponseFile) -> str:
    base = re.split(r"[\\/]", upload.original_name or "")[-1]
    try:
        name = get_valid_filename(base).lstrip(".")[:80] or "file"
    except Exception:  # SuspiciousFileOperation: nothing usable left
        name = "file"
    return f"files/{upload.response_id}-{upload.pk}-{name}"


README = """\
Your data at {business}
{underline}

Exported on {when} for {who}.

client.json        Your record: contact details, date of birth, goals, experience,
                   injuries and medical notes, emergency contact, coaches, tags,
                   every change of status with its date, and your coach's notes.
measurements.json  Every measurement: the metric, its value in SI units (kg, cm or %)
                   and the day it was measured.
responses.json     Every form and check-in you answered: the questions exactly as
                   they were asked, your answers, and your coach's replies.
photos/            Your progress photos, as kept (named date-pose-id).
files/             Files you uploaded with your answers.

JSON files are text: open them in any text editor, or import them into another app.
Dates and times are ISO 8601, times in UTC.
"""


@dataclass(frozen=True)
class _Stored:
    """A stored file named by another app (it has a name, like a FileField's file)."""

    name: str


@dataclass
class ExportSummary:
    photos: int = 0
    files: int = 0
    missing: list[str] = field(default_factory=list)


def client_export_zip(
    *, client: Client, by: User, fileobj, business_name: str = ""
) -> ExportSummary:
    """Write ``client``'s data as a zip into ``fileobj`` and record who took it.

    Checks permission (client_export_check). Photos and files are copied from
    storage as kept; one that has gone missing is listed in README.txt, never a
    failure. JSON is deflated, images stored (they are compressed already).
    """
    client_export_check(user=by, client=client)
    documents = client_export_documents(client=client)
    parts = client_data_parts()  # what other apps keep about the client (messages, ...)
    for part in parts:
        documents.update(part.documents(client))
    summary = ExportSummary()
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, document in documents.items():
            archive.writestr(
                f"{name}.json",
                json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
            )
        sources = [
            (_photo_path(photo), photo.image)
            for photo in ProgressPhoto.objects.filter(client=client)
        ]
        photo_count = len(sources)
        sources += [
            (_file_path(upload), upload.file)
            for upload in ResponseFile.objects.filter(response__client=client)
        ]
        sources += [(path, _Stored(name)) for part in parts for path, name in part.files(client)]
        for index, (path, stored) in enumerate(sources):
            try:
                with (
                    default_storage.open(stored.name, "rb") as source,
                    archive.open(
                        zipfile.ZipInfo(path, date_time=timezone.now().timetuple()[:6]), "w"
                    ) as target,
                ):
                    while chunk := source.read(1024 * 1024):
                        target.write(chunk)
            except (FileNotFoundError, OSError, ValueError):
                summary.missing.append(path)
                continue
            if index < photo_count:
                summary.photos += 1
            else:
                summary.files += 1
        readme = README.format(
            business=business_name or _("your coach"),
            underline="=" * len(f"Your data at {business_name or _('your coach')}"),
            when=timezone.now().strftime("%Y-%m-%d %H:%M UTC"),
            who=client.full_name,
        )
        readme += "".join(part.readme for part in parts)
        if summary.missing:
            readme += "\nThese files could not be read when the export was made:\n" + "".join(
                f"  {path}\n" for path in summary.missing
            )
        archive.writestr("README.txt", readme)
    audit_entry_add(
        action=AuditEntry.Action.EXPORT,
        by=by,
        subject=client_subject(client),
        client_id=client.pk,
        initials=client_initials(client),
        by_client=client.user_id == by.pk,
        photos=summary.photos,
        files=summary.files,
        measurements=len(documents["measurements"]),
        responses=len(documents["responses"]),
    )
    return summary


def client_export_filename(*, client: Client, for_client: bool = False) -> str:
    today = timezone.localdate().isoformat()
    if for_client:
        return f"my-data-{today}.zip"
    return f"client-{client.pk}-data-{today}.zip"
