"""Refusing a request body over the size limit before reading it; the Content-Security-Policy
of HTML pages; ``X-Forwarded-Proto`` believed only from the trusted proxies."""

from __future__ import annotations

from collections.abc import Callable

from csp.middleware import CSPMiddleware
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

from blason.core import clients

# Room for the form's other fields and the multipart boundaries around a file of the limit.
FORM_OVERHEAD = 256 * 1024


def body_limit() -> int:
    return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) + FORM_OVERHEAD


def too_large(request: HttpRequest) -> HttpResponse:
    answer = render(
        request,
        "core/error.html",
        {"status": 413, "limit": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)},
        status=413,
    )
    answer["Connection"] = "close"  # the rest of the body is not read
    return answer


class ForwardedProtoMiddleware:
    """With ``USE_X_FORWARDED_PROTO``, Django believes ``X-Forwarded-Proto: https`` whoever
    sends it. When ``TRUSTED_PROXIES`` is set, the header of any other sender (someone reaching
    the application without going through the proxy) is dropped before Django reads it, as
    ``X-Forwarded-For`` is not read from them either (``blason.core.clients``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            "HTTP_X_FORWARDED_PROTO" in request.META
            and settings.TRUSTED_PROXIES
            and not clients.from_trusted_proxy(request)
        ):
            del request.META["HTTP_X_FORWARDED_PROTO"]
        return self.get_response(request)


class BodySizeLimitMiddleware:
    """Answer 413 to a request that announces a body over ``UPLOAD_MAX_BYTES`` (plus the
    form's overhead), without reading any of it. A body sent without a length (chunked) is
    stopped at the same limit by ``LimitedUploadHandler`` while it is read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > body_limit():
            return too_large(request)
        return self.get_response(request)


class LimitedUploadHandler(FileUploadHandler):
    """First of the upload handlers: stops reading uploaded files once they pass the limit
    (Django's own limit, DATA_UPLOAD_MAX_MEMORY_SIZE, leaves files out)."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > body_limit():
            raise RequestDataTooBig("Uploaded files are over UPLOAD_MAX_BYTES.")
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class HtmlContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (``CONTENT_SECURITY_POLICY``) on HTML pages: the documents, images and
    files the site serves keep their own headers (an SVG image has a stricter policy of its own)."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        answer: HttpResponseBase = super().process_response(request, response)
        return answer
