"""The site's URLs with the Open Referral API, for its tests.

navigator/urls.py is to include `directory.openreferral_urls` at /openreferral/; until it
does (or if it ever stops), the API's tests still reach it through this URLconf.
"""

from django.urls import include, path

from navigator.urls import urlpatterns as site_urlpatterns

urlpatterns = list(site_urlpatterns)
if not any(getattr(p, "namespace", None) == "openreferral" for p in urlpatterns):
    urlpatterns.insert(0, path("openreferral/", include("directory.openreferral_urls")))
