"""What the backpack adds to the pages of other apps (``blason.core.fragments``; the slot is
registered in ``BackpackConfig.ready()``): the ways to keep a badge given with a claim code, on
the page of a claim made through a claim link."""

from __future__ import annotations

from typing import Any

from django.template import Context
from django.utils.safestring import SafeString

from blason.backpack.templatetags.backpack import keep_values
from blason.core.fragments import render


def keep_badge(context: Context, *, award: Any, **_: Any) -> SafeString:
    return render(context, "backpack/_keep.html", keep_values(context, award))
