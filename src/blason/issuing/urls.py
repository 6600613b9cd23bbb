"""The members' addresses of the issuing app (namespace ``issuing``), one list per sub-package.

The public addresses that go into issued badges are ``blason.issuing.documents.urls`` (no
namespace: they never change)."""

from blason.issuing.awarding.urls import urlpatterns as awarding
from blason.issuing.badges.urls import urlpatterns as badges
from blason.issuing.claims.urls import urlpatterns as claims

app_name = "issuing"

urlpatterns = badges + awarding + claims
