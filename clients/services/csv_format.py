"""The CSV format clients travel in: the headers we recognise, reading a file a
spreadsheet saved (encoding, delimiter, dates, lists), the template, and cells a
spreadsheet will not read as formulas.

The template's header is also the export's, so an export imports again.
"""

import csv
import datetime as dt
import io
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import Client, normalise

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_ROWS = 10_000
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def header_key(text: str) -> str:
    """ "E-mail address" -> "emailaddress": how headers are compared."""
    return re.sub(r"[^a-z0-9]", "", normalise(text))


# field -> the headers it is known by (compared after header_key)
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
    header_key(alias): name for name, aliases in IMPORT_COLUMNS.items() for alias in aliases
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


def columns_map(header: list[str]) -> tuple[dict[str, int], list[tuple[str, str]], list[str]]:
    positions: dict[str, int] = {}
    mapped, ignored = [], []
    for index, title in enumerate(header):
        name = _ALIASES.get(header_key(title))
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


def unquote(value: str) -> str:
    """Undo the apostrophe our export puts before =, +, - and @ (formula protection)."""
    value = value.strip()
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return value[1:]
    return value


def date_parse(value: str) -> dt.date | None:
    value = value.split(" ")[0].split("T")[0]  # "1990-05-31 00:00:00" from a sheet
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def choice_key(value: str, choices) -> str | None:
    wanted = header_key(value)
    for key, label in choices:
        if wanted in (header_key(key), header_key(str(label))):
            return key
    return None


def list_split(value: str) -> list[str]:
    seen, items = set(), []
    for item in re.split(r"[;|]", value):
        item = " ".join(item.split())
        if item and item.lower() not in seen:
            seen.add(item.lower())
            items.append(item)
    return items


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
