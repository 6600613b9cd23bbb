"""Where private files live (badge-request evidence): never under MEDIA_URL, handed out only by
views that check access first.

With local storage they are kept under ``PRIVATE_ROOT`` and sent by Django, or by the reverse
proxy when ``PRIVATE_FILES_ACCEL_PREFIX`` is set (nginx ``X-Accel-Redirect`` to an ``internal``
location). With S3 storage they are kept under the ``private/`` prefix of the bucket, without a
public ACL, and the view redirects to a signed address valid ``PRIVATE_URL_MAX_AGE`` seconds.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.utils.module_loading import import_string


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under ``PRIVATE_ROOT``, which have no public address."""

    @property
    def base_location(self) -> str:
        location = getattr(self, "_location", None)
        return str(self._value_or_setting(location, settings.PRIVATE_ROOT))

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no public address: serve them through a view.")


def private_storage() -> Storage:
    """The storage of ``STORAGES["private"]``, built apart from ``django.core.files.storage.
    storages`` (model fields call this when their module is imported, before the test suite
    or a deployment tool has finished adjusting the other storages)."""
    config: dict[str, Any] = settings.STORAGES["private"]
    storage: Storage = import_string(config["BACKEND"])(**config.get("OPTIONS", {}))
    return storage


def _no_store(response: HttpResponseBase) -> HttpResponseBase:
    response["Cache-Control"] = "private, no-store"
    return response


def private_file_response(file: FieldFile, *, filename: str, content_type: str) -> HttpResponseBase:
    """The answer giving ``file`` as a download to someone the caller has checked may have it."""
    storage: Any = file.storage
    disposition = content_disposition_header(True, filename) or "attachment"
    if not isinstance(storage, FileSystemStorage):  # object storage: a short-lived signed URL
        url = storage.url(
            file.name,
            parameters={
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type or "application/octet-stream",
            },
            expire=settings.PRIVATE_URL_MAX_AGE,
        )
        return _no_store(HttpResponseRedirect(url))
    prefix = settings.PRIVATE_FILES_ACCEL_PREFIX
    if prefix:
        response = HttpResponse(content_type=content_type or "application/octet-stream")
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(str(file.name))
        response["Content-Disposition"] = disposition
        return _no_store(response)
    return _no_store(
        FileResponse(
            file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
        )
    )
