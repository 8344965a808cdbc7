"""The download responses the back office, the API and the portal share: a streamed
CSV of a client list, a zip of one client's data. Private, never cached, never sniffed.

Not a view module: pages, admin actions and API actions all import it.
"""

import tempfile

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone

from accounts.models import User

from .models import Client
from .services.exporting import (
    client_export_filename,
    client_export_zip,
    clients_csv_export,
    clients_list_export_record,
)


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_export_response(
    *, clients: QuerySet[Client], by: User, filters: dict | None = None
) -> StreamingHttpResponse:
    """The CSV of ``clients``, streamed, after an audit entry records who took it."""
    clients_list_export_record(by=by, clients=clients, filters=filters)
    response = StreamingHttpResponse(
        clients_csv_export(clients=clients), content_type="text/csv; charset=utf-8"
    )
    filename = f"clients-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


def client_zip_response(
    *, client: Client, by: User, business_name: str = "", for_client: bool = False
) -> FileResponse:
    """A zip of ``client``'s data (see client_export_zip; it checks permission).

    Built in a temporary file, in memory up to 32 MB and on disk beyond."""
    # not a with-block: the response streams the file, and closes it when done
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115
    try:
        client_export_zip(client=client, by=by, fileobj=spool, business_name=business_name)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    response = FileResponse(
        spool,
        as_attachment=True,
        filename=client_export_filename(client=client, for_client=for_client),
        content_type="application/zip",
    )
    return _private(response)
