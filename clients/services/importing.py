"""CSV import of clients: plan (the preview), apply (all or nothing), the stored upload.

Import is two steps, preview and apply, over the same stored file: the browser sends
the file once and only ever gets back a token, so what is applied is exactly what was
previewed, re-checked against the database of the moment. Apply is all or nothing.
"""

import datetime as dt
import logging
import re
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.policies import is_owner

from ..models import AuditEntry, Client, Tag
from .audit import audit_entry_add
from .csv_format import (
    MAX_IMPORT_BYTES,
    SOURCE_ALIASES,
    choice_key,
    columns_map,
    date_parse,
    header_key,
    import_file_read,
    list_split,
    unquote,
)
from .erasure import stored_files_delete
from .records import client_create, tag_get_or_create

logger = logging.getLogger(__name__)

PREVIEW_ROWS = 20
# more clients than this are imported by the worker (about 4 ms each through
# client_create: 10,000 would hold a web request for 40 s)
IMPORT_INLINE_MAX = 1000
IMPORT_DIR = "imports"
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
    positions, mapped, ignored = columns_map(header)
    plan = ImportPlan(columns=mapped, ignored_columns=ignored, delimiter=delimiter)
    title = {name: header[index] for name, index in positions.items()}
    by_owner = is_owner(by)

    emails = set()
    for _number, cells in records:
        index = positions.get("email")
        if index is not None and index < len(cells):
            emails.add(unquote(cells[index]).lower())
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
            name: unquote(cells[index]) if index < len(cells) else ""
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
            date = date_parse(born)
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
            key = choice_key(status, Client.Status.choices)
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
            key = choice_key(level, Client.Level.choices)
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
            key = choice_key(source, Client.Source.choices) or SOURCE_ALIASES.get(
                header_key(source)
            )
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

        row.tags = list_split(cell.get("tags", ""))
        for tag in row.tags:
            if len(tag) > 40:
                fail(
                    "tags",
                    _("The tag “%(tag)s…” is longer than 40 characters.") % {"tag": tag[:20]},
                )

        row.coach_emails = [
            email.lower() for email in list_split(cell.get("coach_email", "").replace(",", ";"))
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
            entry = audit_entry_add(
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


def import_goes_to_worker(*, plan: ImportPlan) -> bool:
    """Whether applying ``plan`` is the worker's job (more than IMPORT_INLINE_MAX
    clients to add) rather than a web request's. Callers queue
    ``clients.tasks.transfer.clients_import_apply_task`` then."""
    return len(plan.to_create) > IMPORT_INLINE_MAX


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
    return audit_entry_add(
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
