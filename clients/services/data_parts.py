"""What other apps keep about a client, for the client's data export and erasure.

Apps above clients (messaging, ...) keep data about a client that clients cannot
import. Each registers a ``ClientDataPart`` from its ``AppConfig.ready``; the export
(``exporting.client_export_zip``) writes its documents and files into the zip, and the
erasure (``erasure.client_erase``) calls its ``erase`` inside the erasure's
transaction and removes the stored files it names once that commits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..models import Client


@dataclass(frozen=True)
class ClientDataPart:
    """One app's share of a client's data.

    - ``documents(client)``: ``{name: JSON-ready document}``, written as ``<name>.json``;
    - ``files(client)``: ``[(path in the zip, storage name)]``, copied as kept;
    - ``erase(client)``: delete or blank it; returns ``({what: how many}, [storage
      names to delete after commit])``;
    - ``readme``: lines for the export's README.txt.
    """

    name: str
    documents: Callable[[Client], dict[str, object]]
    files: Callable[[Client], list[tuple[str, str]]]
    erase: Callable[[Client], tuple[dict[str, int], list[str]]]
    readme: str = ""


_parts: dict[str, ClientDataPart] = {}


def client_data_part_register(part: ClientDataPart) -> None:
    """Add (or replace, by name) an app's share of a client's data."""
    _parts[part.name] = part


def client_data_parts() -> list[ClientDataPart]:
    return list(_parts.values())
