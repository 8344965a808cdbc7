"""Clients in and out: CSV import and export, a client's data export, erasure, and the
audit trail of each of them.

Import is two steps, preview and apply, over the same stored file: the browser sends
the file once and only ever gets back a token, so what is applied is exactly what was
previewed, re-checked against the database of the moment. Apply is all or nothing.
"""

import csv
import datetime as dt
import io
import json
import logging
import re
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accounts.models import ApiToken, Invitation, User
from accounts.policies import is_owner
from accounts.roles import CLIENT, COACH, OWNER

from ..models import (
    Assignment,
    AuditEntry,
    Client,
    ClientNote,
    ClientStatusChange,
    Measurement,
    ProgressPhoto,
    Response,
    ResponseFile,
    Tag,
    normalise,
)
from ..selectors import client_queryset_for
from .records import client_create, tag_get_or_create

logger = logging.getLogger(__name__)

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 10_000
PREVIEW_ROWS = 20
# more clients than this are imported by the worker (about 4 ms each through
# client_create: 10,000 would hold a web request for 40 s)
IMPORT_INLINE_MAX = 1000
IMPORT_DIR = "imports"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def client_initials(client: Client) -> str:
    """Initials, "C. M." for Cleo Martin: all the audit trail keeps of a name."""
    letters = [part[:1].upper() for part in (client.first_name, client.last_name) if part]
    return " ".join(f"{letter}." for letter in letters)


def _audit(*, action: str, by: User | None, subject: str, client_id=None, **detail) -> AuditEntry:
    actor = by if by is not None and by.is_authenticated else None
    return AuditEntry.objects.create(
        action=action,
        actor=actor,
        actor_email=actor.email if actor else "",
        subject=subject[:200],
        client_id_ref=client_id,
        detail=detail,
    )


def _client_subject(client: Client) -> str:
    return f"Client #{client.pk} ({client_initials(client)})"


# --- CSV import ---------------------------------------------------------------------------


def _header_key(text: str) -> str:
    """ "E-mail address" -> "emailaddress": how headers are compared."""
    return re.sub(r"[^a-z0-9]", "", normalise(text))


# field -> the headers it is known by (compared after _header_key)
IMPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "first_name": ("first name", "firstname", "given name", "forename", "first"),
    "last_name": ("last name", "lastname", "surname", "family name", "last"),
    "full_name": ("name", "full name", "client", "client name"),
    "email": ("email", "e-mail", "email address", "e-mail address", "mail"),
    "phone": ("phone", "mobile", "phone number", "mobile phone", "telephone", "tel", "cell"),
    "date_of_birth": ("date of birth", "dob", "birthday", "birth date", "birthdate", "born"),
    "gender": ("gender", "sex"),
    "status": ("status", "stage", "pipeline"),
    "tags": ("tags", "tag", "labels", "groups"),
    "goals": ("goals", "goal"),
    "experience_level": ("experience", "experience level", "level"),
    "injuries": ("injuries", "injury"),
    "medical_notes": ("medical notes", "medical", "conditions", "medication"),
    "emergency_contact_name": ("emergency contact", "emergency contact name"),
    "emergency_contact_phone": ("emergency phone", "emergency contact phone"),
    "source": ("source", "lead source", "channel"),
    "coach_email": ("coach email", "coach e-mail", "coach", "coaches", "primary coach"),
}
_ALIASES = {
    _header_key(alias): name for name, aliases in IMPORT_COLUMNS.items() for alias in aliases
}

# the template's header, which is also the export's (an export imports again)
TEMPLATE_HEADER = [
    "First name",
    "Last name",
    "E-mail",
    "Phone",
    "Date of birth",
    "Gender",
    "Status",
    "Tags",
    "Goals",
    "Experience",
    "Injuries",
    "Medical notes",
    "Emergency contact",
    "Emergency phone",
    "Source",
    "Coach e-mail",
]

SOURCE_ALIASES = {
    "instagram": Client.Source.SOCIAL,
    "facebook": Client.Source.SOCIAL,
    "tiktok": Client.Source.SOCIAL,
    "social": Client.Source.SOCIAL,
    "web": Client.Source.WEBSITE,
    "friend": Client.Source.REFERRAL,
    "walkin": Client.Source.WALK_IN,
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y")
_PHONE = re.compile(r"^[0-9+()./\- ]*$")


@dataclass
class RowError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    message: str


@dataclass
class ImportRow:
    number: int
    values: dict = field(default_factory=dict)  # Client fields, ready for client_create
    tags: list[str] = field(default_factory=list)
    coach_emails: list[str] = field(default_factory=list)
    action: str = "create"  # or "skip": the e-mail is already a client's
    has_error: bool = False

    @property
    def name(self) -> str:
        return f"{self.values.get('first_name', '')} {self.values.get('last_name', '')}".strip()


@dataclass
class ImportPlan:
    """What an import would do: rows to create, rows skipped, and every error."""

    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: list[tuple[str, str]] = field(default_factory=list)  # (header, field)
    ignored_columns: list[str] = field(default_factory=list)
    delimiter: str = ","

    @property
    def is_valid(self) -> bool:
        return not self.errors and bool(self.to_create)

    @property
    def to_create(self) -> list[ImportRow]:
        return [row for row in self.rows if row.action == "create" and not row.has_error]

    @property
    def skipped(self) -> list[ImportRow]:
        return [row for row in self.rows if row.action == "skip"]

    @property
    def preview(self) -> list[ImportRow]:
        return self.rows[:PREVIEW_ROWS]

    @property
    def error_rows(self) -> int:
        return len({error.row for error in self.errors})


class ImportRejected(Exception):
    """Apply refused: the plan has errors, and nothing was written."""

    def __init__(self, plan: ImportPlan):
        super().__init__(f"{len(plan.errors)} errors")
        self.plan = plan


def _decode(data: bytes) -> str:
    if len(data) > MAX_IMPORT_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than 5 MB. Split it and import each part.")}
        )
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a BOM
    except UnicodeDecodeError:
        raise ValidationError(
            {
                "file": _(
                    "The file is not UTF-8 text. In Excel choose Save as > “CSV UTF-8”; "
                    "in Numbers or Google Sheets, export as CSV."
                )
            }
        ) from None
    if "\x00" in text:
        raise ValidationError({"file": _("This is not a CSV file. Export your sheet as CSV.")})
    if not text.strip():
        raise ValidationError({"file": _("The file is empty.")})
    return text


def _delimiter(text: str) -> str:
    """Comma, semicolon (Excel in much of Europe) or tab, read from the header line,
    where no data can mislead the guess."""
    header = text.lstrip().splitlines()[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def import_file_read(*, data: bytes) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    """The header, the rows (with their spreadsheet row numbers) and the delimiter of a
    CSV file. Raises ValidationError({"file": ...}) when the file cannot be used at all."""
    text = _decode(data)
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text.lstrip("\r\n")), delimiter=delimiter)
    try:
        header = next(reader)
        rows = []
        for index, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue  # blank lines at the end of a sheet
            rows.append((index, cells))
            if len(rows) > MAX_IMPORT_ROWS:
                raise ValidationError(
                    {
                        "file": _("The file has more than %(max)s clients. Split it in parts.")
                        % {"max": f"{MAX_IMPORT_ROWS:,}"}
                    }
                )
    except csv.Error as exc:
        raise ValidationError(
            {"file": _("The file is not valid CSV: %(error)s") % {"error": exc}}
        ) from None
    if not rows:
        raise ValidationError({"file": _("The file has a header but no clients below it.")})
    return [cell.strip() for cell in header], rows, delimiter


def _map_columns(header: list[str]) -> tuple[dict[str, int], list[tuple[str, str]], list[str]]:
    positions: dict[str, int] = {}
    mapped, ignored = [], []
    for index, title in enumerate(header):
        name = _ALIASES.get(_header_key(title))
        if name is None:
            if title:
                ignored.append(title)
            continue
        if name in positions:
            raise ValidationError(
                {
                    "file": _("Two columns mean the same thing: “%(a)s” and “%(b)s”. Keep one.")
                    % {"a": header[positions[name]], "b": title}
                }
            )
        positions[name] = index
        mapped.append((title, name))
    if "first_name" not in positions and "full_name" not in positions:
        raise ValidationError(
            {
                "file": _(
                    "No “First name” (or “Name”) column. The first line of the file must "
                    "name the columns; download the template to see how."
                )
            }
        )
    return positions, mapped, ignored


def _unquote(value: str) -> str:
    """Undo the apostrophe our export puts before =, +, - and @ (formula protection)."""
    value = value.strip()
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return value[1:]
    return value


def _parse_date(value: str) -> dt.date | None:
    value = value.split(" ")[0].split("T")[0]  # "1990-05-31 00:00:00" from a sheet
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def _choice(value: str, choices) -> str | None:
    wanted = _header_key(value)
    for key, label in choices:
        if wanted in (_header_key(key), _header_key(str(label))):
            return key
    return None


def _split_list(value: str) -> list[str]:
    seen, items = set(), []
    for item in re.split(r"[;|]", value):
        item = " ".join(item.split())
        if item and item.lower() not in seen:
            seen.add(item.lower())
            items.append(item)
    return items


def clients_import_plan(*, data: bytes, by: User) -> ImportPlan:
    """Read a CSV of clients and say what importing it would do, row by row.

    Writes nothing. An e-mail that is already a client's is skipped (the row is
    reported, the existing record is left as it is), so importing the same file
    twice adds nobody twice. A coach imports clients as their own; only the owner
    may name coaches in the file. Runs three queries whatever the file's size.
    """
    if not by.has_perm("clients.add_client"):
        raise PermissionDenied(_("You cannot add clients."))
    header, records, delimiter = import_file_read(data=data)
    positions, mapped, ignored = _map_columns(header)
    plan = ImportPlan(columns=mapped, ignored_columns=ignored, delimiter=delimiter)
    title = {name: header[index] for name, index in positions.items()}
    by_owner = is_owner(by)

    emails = set()
    for _number, cells in records:
        index = positions.get("email")
        if index is not None and index < len(cells):
            emails.add(_unquote(cells[index]).lower())
    existing = set(Client.objects.filter(email__in=emails - {""}).values_list("email", flat=True))
    coaches = _coach_lookup()
    seen_emails: dict[str, int] = {}
    width = len(header)
    max_lengths = {f.name: f.max_length for f in Client._meta.fields if f.max_length}

    for number, cells in records:
        row = ImportRow(number=number)
        errors: list[RowError] = []

        def fail(name: str, message: str, row=row, errors=errors) -> None:
            errors.append(RowError(row.number, title.get(name, name), message))

        if len(cells) > width:
            errors.append(
                RowError(
                    number,
                    "—",
                    _(
                        "This row has more cells than the header has columns. Put text "
                        "that holds the separator (%(sep)s) in double quotes."
                    )
                    % {"sep": "tab" if delimiter == "\t" else delimiter},
                )
            )
        cell = {
            name: _unquote(cells[index]) if index < len(cells) else ""
            for name, index in positions.items()
        }
        values = row.values

        first, last = cell.get("first_name", ""), cell.get("last_name", "")
        if not first and not last and cell.get("full_name"):
            parts = cell["full_name"].split()
            first, last = " ".join(parts[:-1]) or parts[0], parts[-1] if len(parts) > 1 else ""
        values["first_name"], values["last_name"] = first, last
        if not first:
            fail(
                "first_name" if "first_name" in positions else "full_name",
                _("The first name is empty."),
            )

        email = cell.get("email", "").lower()
        values["email"] = email
        if email:
            try:
                validate_email(email)
            except ValidationError:
                fail("email", _("“%(value)s” is not an e-mail address.") % {"value": email})
            else:
                if email in seen_emails:
                    fail(
                        "email",
                        _("%(email)s is also in row %(row)s. Keep one of the two rows.")
                        % {"email": email, "row": seen_emails[email]},
                    )
                else:
                    seen_emails[email] = number
                if email in existing:
                    row.action = "skip"

        phone = cell.get("phone", "")
        values["phone"] = phone
        if phone and (not _PHONE.match(phone) or not any(c.isdigit() for c in phone)):
            fail("phone", _("“%(value)s” is not a phone number.") % {"value": phone})

        born = cell.get("date_of_birth", "")
        if born:
            date = _parse_date(born)
            if date is None:
                fail(
                    "date_of_birth",
                    _("“%(value)s” is not a date. Write 1990-05-31 or 31/05/1990 (day first).")
                    % {"value": born},
                )
            elif not dt.date(1900, 1, 1) <= date <= timezone.localdate():
                fail(
                    "date_of_birth",
                    _("%(value)s is not a believable date of birth.") % {"value": born},
                )
            else:
                values["date_of_birth"] = date

        status = cell.get("status", "")
        values["status"] = Client.Status.LEAD
        if status:
            key = _choice(status, Client.Status.choices)
            if key is None:
                fail(
                    "status",
                    _(
                        "Unknown status “%(value)s”: use lead, onboarding, active, "
                        "paused or archived."
                    )
                    % {"value": status},
                )
            else:
                values["status"] = key

        level = cell.get("experience_level", "")
        if level:
            key = _choice(level, Client.Level.choices)
            if key is None:
                fail(
                    "experience_level",
                    _("Unknown experience “%(value)s”: use beginner, intermediate or advanced.")
                    % {"value": level},
                )
            else:
                values["experience_level"] = key

        source = cell.get("source", "")
        values["source"] = Client.Source.IMPORT
        if source:
            key = _choice(source, Client.Source.choices) or SOURCE_ALIASES.get(_header_key(source))
            if key is None:
                fail(
                    "source",
                    _("Unknown source “%(value)s”: use %(choices)s, or leave it empty.")
                    % {
                        "value": source,
                        "choices": ", ".join(
                            str(label).lower() for _key, label in Client.Source.choices
                        ),
                    },
                )
            else:
                values["source"] = key

        for name in (
            "gender",
            "goals",
            "injuries",
            "medical_notes",
            "emergency_contact_name",
            "emergency_contact_phone",
        ):
            if cell.get(name):
                values[name] = cell[name]
        for name, value in values.items():
            limit = max_lengths.get(name)
            if isinstance(value, str) and (
                (limit and len(value) > limit) or (not limit and len(value) > 10_000)
            ):
                fail(name, _("Too long: at most %(max)s characters.") % {"max": limit or "10,000"})

        row.tags = _split_list(cell.get("tags", ""))
        for tag in row.tags:
            if len(tag) > 40:
                fail(
                    "tags",
                    _("The tag “%(tag)s…” is longer than 40 characters.") % {"tag": tag[:20]},
                )

        row.coach_emails = [
            email.lower() for email in _split_list(cell.get("coach_email", "").replace(",", ";"))
        ]
        for coach_email in row.coach_emails:
            if not by_owner:
                if coach_email != by.email.lower():
                    fail(
                        "coach_email",
                        _(
                            "Coaches import clients as their own: leave this empty or "
                            "write your own e-mail. The owner can assign other coaches."
                        ),
                    )
                    break
            elif coach_email not in coaches:
                fail(
                    "coach_email",
                    _("%(email)s is not an active coach here.") % {"email": coach_email},
                )

        row.has_error = bool(errors)
        plan.errors.extend(errors)
        plan.rows.append(row)
    return plan


def _coach_lookup() -> dict[str, User]:
    return {user.email.lower(): user for user in User.objects.filter(is_staff=True, is_active=True)}


def clients_import_apply(*, data: bytes, by: User, filename: str = "") -> AuditEntry:
    """Import a CSV of clients: every row, or none.

    The file is planned again first (the database may have changed since the
    preview); any error raises ImportRejected with the plan and writes nothing.
    Clients go through client_create (status history, search keys), source
    "import" unless the file says otherwise.
    """
    plan = clients_import_plan(data=data, by=by)
    if plan.errors:
        raise ImportRejected(plan)
    if not plan.to_create:
        raise ValidationError(
            {"file": _("Every client in this file is already here: nothing to import.")}
        )
    by_owner = is_owner(by)
    try:
        with transaction.atomic():
            coaches = _coach_lookup()
            tags: dict[str, Tag] = {}
            for row in plan.to_create:
                values = dict(row.values)
                row_tags = []
                for name in row.tags:
                    if name.lower() not in tags:
                        tags[name.lower()] = tag_get_or_create(name=name)
                    row_tags.append(tags[name.lower()])
                shared = []
                if by_owner and row.coach_emails:
                    values["primary_coach"] = coaches[row.coach_emails[0]]
                    shared = [coaches[email] for email in row.coach_emails[1:]]
                elif not by_owner:
                    values["primary_coach"] = by
                try:
                    client_create(
                        by=by,
                        first_name=values.pop("first_name"),
                        status=values.pop("status"),
                        tags=row_tags,
                        coaches=shared,
                        **values,
                    )
                except ValidationError as exc:
                    for name, messages in exc.message_dict.items():
                        plan.errors.append(RowError(row.number, name, " ".join(messages)))
                    raise ImportRejected(plan) from exc
            entry = _audit(
                action=AuditEntry.Action.IMPORT,
                by=by,
                subject=_("%(count)s clients imported") % {"count": len(plan.to_create)},
                created=len(plan.to_create),
                skipped=len(plan.skipped),
                rows=len(plan.rows),
                filename=get_valid_filename(filename)[:100] if filename else "",
            )
    except IntegrityError:
        # someone added one of these e-mails between our check and our insert
        raise ValidationError(
            {
                "file": _(
                    "Someone added some of these clients meanwhile. Nothing was "
                    "imported: check the preview again."
                )
            }
        ) from None
    return entry


def clients_import_in_background(*, name: str, by: User, filename: str = "") -> AuditEntry:
    """The worker's side of a big import: apply the stored file, then delete it.

    Nobody is waiting for the answer, so a refusal (someone changed the data
    since the preview) is written to the audit trail with its first errors."""
    try:
        return clients_import_apply(data=import_upload_read(name=name), by=by, filename=filename)
    except ImportRejected as exc:
        errors = [
            {"row": e.row, "column": e.column, "message": e.message} for e in exc.plan.errors[:50]
        ]
        rows = len(exc.plan.rows)
    except ValidationError as exc:
        errors = [{"row": None, "column": "file", "message": m} for m in exc.messages]
        rows = 0
    finally:
        import_upload_discard(name=name)
    return _audit(
        action=AuditEntry.Action.IMPORT,
        by=by,
        subject=_("Import refused: nothing was written"),
        created=0,
        skipped=0,
        rows=rows,
        rejected=True,
        errors=errors,
        filename=get_valid_filename(filename)[:100] if filename else "",
    )


def import_upload_store(*, content: bytes) -> str:
    """Keep an uploaded import file privately (under this business's prefix) until it is
    applied or discarded. Returns its storage name: the only thing the session holds."""
    if len(content) > MAX_IMPORT_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than 5 MB. Split it and import each part.")}
        )
    return default_storage.save(f"{IMPORT_DIR}/{uuid.uuid4().hex}.csv", ContentFile(content))


def _import_name_checked(name: str) -> str:
    prefix = f"{connection.schema_name}/{IMPORT_DIR}/"
    if not re.fullmatch(re.escape(prefix) + r"[0-9a-f]{32}(_\w+)?\.csv", name or ""):
        raise ValidationError({"file": _("That upload has expired. Choose the file again.")})
    return name


def import_upload_read(*, name: str) -> bytes:
    name = _import_name_checked(name)
    try:
        with default_storage.open(name, "rb") as stored:
            return stored.read(MAX_IMPORT_BYTES + 1)
    except (FileNotFoundError, OSError):
        raise ValidationError(
            {"file": _("That upload has expired. Choose the file again.")}
        ) from None


def import_upload_discard(*, name: str) -> None:
    try:
        default_storage.delete(_import_name_checked(name))
    except (ValidationError, OSError):
        logger.warning("could not delete import file %s", name)


def import_template_csv() -> str:
    """The template offered for download: the header and two example clients."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(TEMPLATE_HEADER)
    writer.writerow(
        [
            "Maria",
            "García",
            "maria@example.com",
            "07700 900123",
            "1988-04-17",
            "",
            "active",
            "morning; strength",
            "Deadlift 100 kg",
            "intermediate",
            "Old knee injury (left)",
            "",
            "Luis García",
            "07700 900456",
            "referral",
            "",
        ]
    )
    writer.writerow(
        [
            "Tom",
            "Baker",
            "tom@example.com",
            "",
            "31/12/1995",
            "",
            "lead",
            "",
            "Run a 10k",
            "",
            "",
            "",
            "",
            "",
            "instagram",
            "",
        ]
    )
    return "\ufeff" + out.getvalue()


# --- CSV export of a list -------------------------------------------------------------


def csv_cell(value) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets an
    apostrophe first (=, +, -, @, tab, carriage return)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


EXPORT_HEADER = [*TEMPLATE_HEADER, "Other coaches", "Added", "Status since", "Last activity", "Id"]


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
    return _audit(
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
        if summary.missing:
            readme += "\nThese files could not be read when the export was made:\n" + "".join(
                f"  {path}\n" for path in summary.missing
            )
        archive.writestr("README.txt", readme)
    _audit(
        action=AuditEntry.Action.EXPORT,
        by=by,
        subject=_client_subject(client),
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


# --- erasure --------------------------------------------------------------------------

ERASED_NAME = "Erased client"
# personal text fields, blanked on erasure (source and dates say nothing about who)
ERASED_FIELDS = [
    "email",
    "phone",
    "gender",
    "goals",
    "experience_level",
    "injuries",
    "medical_notes",
    "emergency_contact_name",
    "emergency_contact_phone",
    "timezone",
    "units",
]


def client_erased_entry(*, client: Client) -> AuditEntry | None:
    return (
        AuditEntry.objects.filter(action=AuditEntry.Action.ERASE, client_id_ref=client.pk)
        .select_related("actor")
        .first()
    )


def client_erase_name_matches(*, client: Client, typed: str) -> bool:
    def simple(text: str) -> str:
        return " ".join(normalise(text).split())

    return bool(typed.strip()) and simple(typed) == simple(client.full_name)


@transaction.atomic
def client_erase(*, client: Client, by: User, confirm_name: str) -> AuditEntry:
    """Erase a client's personal data on their request. Owner only.

    Deleted: measurements, progress photos, form and check-in responses with their
    files (answers held as a possible match for them too), notes, status history and
    assignments; stored files leave storage once the transaction commits. The portal
    login is anonymised and deactivated (e-mail replaced, names and phone blanked,
    password unusable, e-mail addresses, API tokens, two-factor devices and
    invitations removed) rather than deleted, so nothing else that points at the
    user breaks.

    The client record itself is kept, with "Erased client" in place of every
    personal field and status archived, rather than deleted: bookings, invoices
    and other records that must outlive the person (accounting keeps invoices for
    years) still point at a row, counts stay right, and the audit entry's client
    id still names something. What remains identifies no one.

    The audit entry records who, when, the client's id and initials and how much
    was removed; earlier audit entries lose the e-mail of the client's login.
    """
    if not is_owner(by):
        raise PermissionDenied(_("Only the owner can erase a client's data."))
    client = Client.objects.select_for_update().get(pk=client.pk)
    if client_erased_entry(client=client) is not None:
        raise ValidationError({"confirm_name": _("This client's data has already been erased.")})
    if not client_erase_name_matches(client=client, typed=confirm_name):
        raise ValidationError(
            {
                "confirm_name": _("Type the client's name exactly as shown to confirm: %(name)s")
                % {"name": client.full_name}
            }
        )
    login = client.user
    if login is not None and login.is_staff:
        raise ValidationError(
            {
                "confirm_name": _(
                    "This client's login is a staff account. Remove its staff access first."
                )
            }
        )

    initials = client_initials(client)
    files: list[str] = []
    photos = list(ProgressPhoto.objects.filter(client=client))
    for photo in photos:
        files += [name for name in (photo.image.name, photo.thumbnail.name) if name]
    # answers held as a possible match for them were sent with their address: theirs too
    held = Q(response__client=client) | Q(response__match=client)
    uploads = list(ResponseFile.objects.filter(held))
    files += [upload.file.name for upload in uploads if upload.file.name]

    removed = {
        "measurements": Measurement.objects.filter(client=client).delete()[0],
        "photos": ProgressPhoto.objects.filter(client=client).delete()[0],
        "files": ResponseFile.objects.filter(held).delete()[0],
        "responses": Response.objects.filter(Q(client=client) | Q(match=client)).delete()[0],
        "assignments": Assignment.objects.filter(client=client).delete()[0],
        "notes": ClientNote.objects.filter(client=client).delete()[0],
        "status_changes": ClientStatusChange.objects.filter(client=client).delete()[0],
        "login": False,
    }
    if client.email:
        Invitation.objects.filter(email__iexact=client.email).delete()
    if login is not None:
        if login.avatar:
            files.append(login.avatar.name)
        _user_anonymise(login)
        removed["login"] = True

    client.tags.clear()
    client.coaches.clear()
    for name in ERASED_FIELDS:
        setattr(client, name, "")
    client.first_name, client.last_name = ERASED_NAME, ""
    client.date_of_birth = None
    client.user = None
    client.primary_coach = None
    client.last_activity_at = None
    client.status = Client.Status.ARCHIVED
    client.status_changed_at = timezone.now()
    client.save()
    _admin_log_scrub(client=client, login=login)

    entry = _audit(
        action=AuditEntry.Action.ERASE,
        by=by,
        subject=_client_subject_erased(client.pk, initials),
        client_id=client.pk,
        initials=initials,
        removed=removed,
        stored_files=len(files),
    )
    transaction.on_commit(lambda: stored_files_delete(names=files))
    return entry


def _client_subject_erased(pk: int, initials: str) -> str:
    return f"Client #{pk} ({initials})"


def _user_anonymise(user: User) -> None:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    old_email = user.email
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user).delete()
    Invitation.objects.filter(user=user).delete()
    user.groups.remove(*Group.objects.filter(name__in=[CLIENT, COACH, OWNER]))
    user.user_permissions.clear()
    user.email = f"erased-{user.pk}-{uuid.uuid4().hex[:8]}@erased.invalid"
    user.first_name = user.last_name = user.phone = user.timezone = user.units = ""
    user.avatar = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    AuditEntry.objects.filter(actor=user).update(actor_email="")
    if old_email:
        AuditEntry.objects.filter(actor_email__iexact=old_email).update(actor_email="")


def _admin_log_scrub(*, client: Client, login: User | None) -> None:
    """The back office's history of changes names people in plain text: keep the
    entries (what happened, when) and drop the names."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Client), object_id=str(client.pk)
    ).update(object_repr=ERASED_NAME, change_message="")
    if login is not None:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(User), object_id=str(login.pk)
        ).update(object_repr="Erased user", change_message="")


def stored_files_delete(*, names: Iterable[str]) -> int:
    """Remove files from storage; one that cannot be removed is logged, not raised
    (the database is already committed). Returns how many were removed."""
    removed = 0
    for name in names:
        try:
            default_storage.delete(name)
            removed += 1
        except Exception:  # storage back ends raise many kinds; never fail after commit
            logger.exception("could not delete %s from storage", name)
    return removed


def import_uploads_purge(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete import files of this business left behind by previews never applied nor
    cancelled (a closed tab). Returns how many went."""
    folder = f"{connection.schema_name}/{IMPORT_DIR}"
    try:
        _dirs, names = default_storage.listdir(folder)
    except (FileNotFoundError, OSError):
        return 0
    cutoff = timezone.now() - older_than
    old = []
    for name in names:
        try:
            if default_storage.get_modified_time(f"{folder}/{name}") < cutoff:
                old.append(f"{folder}/{name}")
        except (FileNotFoundError, OSError, NotImplementedError):
            continue
    return stored_files_delete(names=old)
