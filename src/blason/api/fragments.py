"""What the API adds to the pages of other apps (``blason.core.fragments``; registered in
``ApiConfig.ready()``): the applications connected to a person's account, on their settings."""

from __future__ import annotations

from typing import Any

from django.template import Context
from django.utils.safestring import SafeString

from blason.api import selectors
from blason.core.fragments import render


def connections(context: Context, *, user: Any, **_: Any) -> SafeString:
    return render(context, "api/_connections.html", {"connections": selectors.connections_of(user)})
