"""Media storage under a per-business prefix: ``<schema>/...`` (``public/`` for the platform).

Files are private by default: views that check permission hand them out
(``tenants.views.private_media``); on S3 the URLs are short-lived signed ones.
"""

from django.core.files.storage import FileSystemStorage
from django.db import connection
from storages.backends.s3 import S3Storage


def _prefixed(name: str) -> str:
    schema = getattr(connection, "schema_name", None) or "public"
    prefix = f"{schema}/"
    return name if name.startswith(prefix) else prefix + name


class TenantPrefixMixin:
    """Every file saved goes under the schema in use (FileFields and direct saves alike)."""

    def save(self, name, content, max_length=None):
        return super().save(_prefixed(name), content, max_length=max_length)


class TenantFileSystemStorage(TenantPrefixMixin, FileSystemStorage):
    pass


class TenantS3Storage(TenantPrefixMixin, S3Storage):
    default_acl = "private"
    querystring_auth = True
