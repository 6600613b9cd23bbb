"""What verification adds to the pages of other apps (``blason.core.fragments``; registered in
``VerificationConfig.ready()``): the verdict of an award's full verification, in plain words,
with the lists of recognised issuers that name its issuer."""

from __future__ import annotations

from typing import Any

from django.template import Context
from django.utils.safestring import SafeString

from blason.core.fragments import render
from blason.verification.fetching import site_fetcher
from blason.verification.messages import check_text, state_summary
from blason.verification.trust import recognitions
from obcore.verify import Report


def award_verdict(context: Context, *, report: Report, **_: Any) -> SafeString:
    headline, explanation = state_summary(report.state)
    values = {
        "report": report,
        "headline": headline,
        "explanation": explanation,
        "checks": [(c.outcome.value, check_text(c)) for c in report.checks],
        "recognitions": recognitions(
            report.credential or {},
            site_fetcher(),
            [item.credential for item in report.endorsements if item.valid],
        ),
    }
    return render(context, "verification/_award_verdict.html", values)
