"""The reads of exports: the imports of a space and their archived credentials."""

from __future__ import annotations

from django.db.models import QuerySet

from blason.core.models import Issuer
from blason.exports.models import Archive, ArchivedCredential


def archives_of(issuer: Issuer) -> QuerySet[Archive]:
    return Archive.objects.filter(issuer=issuer).select_related("imported_by")


def archived_of(issuer: Issuer) -> QuerySet[ArchivedCredential]:
    return ArchivedCredential.objects.filter(issuer=issuer).select_related("badge")
