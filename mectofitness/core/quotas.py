"""Plan limits, asked for where they bite and decided by the platform's billing.

The apps that add clients, coaches or stored files (accounts, clients, tenants)
sit below or beside the platform's billing (``billing.platform``), which knows
the plans. They ask here; ``billing.platform.limits`` answers, provided when
Django is ready (``billing.platform.apps``). Without a provider (an app test
that leaves billing.platform out) everything fits.

The four questions, with the provider's meaning:

- ``limit_check(kind=, field=, business=, adding=)``: raise ValidationError keyed
  by ``field`` if ``adding`` more ``kind`` ("clients", "coaches") would exceed the
  plan of ``business`` (default: the business in use);
- ``has_room(kind=, business=)``: whether one more ``kind`` fits;
- ``storage_check(adding_bytes=, field=, business=)``: raise if the file would
  take the business past its plan's storage (call before saving);
- ``storage_counted(added_bytes=, business=)``: count a saved file's size.
"""

from types import ModuleType
from typing import Protocol


class Provider(Protocol):
    def limit_check(
        self, *, kind: str, field: str | None = None, business=None, adding: int = 1
    ): ...

    def has_room(self, *, kind: str, business=None) -> bool: ...

    def storage_check(self, *, adding_bytes: int, field: str | None = None, business=None): ...

    def storage_counted(self, *, added_bytes: int, business=None): ...


_provider: Provider | ModuleType | None = None


def provide(provider: Provider | ModuleType) -> None:
    global _provider
    _provider = provider


def limit_check(*, kind: str, field: str | None = None, business=None, adding: int = 1) -> None:
    if _provider is not None:
        _provider.limit_check(kind=kind, field=field, business=business, adding=adding)


def has_room(*, kind: str, business=None) -> bool:
    return _provider is None or _provider.has_room(kind=kind, business=business)


def storage_check(*, adding_bytes: int, field: str | None = None, business=None) -> None:
    if _provider is not None:
        _provider.storage_check(adding_bytes=adding_bytes, field=field, business=business)


def storage_counted(*, added_bytes: int, business=None) -> None:
    if _provider is not None:
        _provider.storage_counted(added_bytes=added_bytes, business=business)
