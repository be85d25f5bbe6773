"""The Open Referral UK read API. Included at /openreferral/ by navigator/urls.py.

Paths have no trailing slash, as the HSDS OpenAPI description writes them
(`/services/{id}`), so an ORUK client's URLs work as they are. Ids are taken as text and
checked in the view, so that a malformed id gets a JSON 404 with the CORS headers too.
"""

from django.urls import path

from . import openreferral

app_name = "openreferral"

urlpatterns = [
    path("", openreferral.api_root, name="root"),
    path("openapi.json", openreferral.openapi, name="openapi"),
    path("services", openreferral.service_list, name="services"),
    path("services/<str:id>", openreferral.service_detail, name="service"),
    path("taxonomies", openreferral.taxonomy_list, name="taxonomies"),
    path("taxonomies/<str:id>", openreferral.taxonomy_detail, name="taxonomy"),
    path("taxonomy_terms", openreferral.taxonomy_term_list, name="taxonomy_terms"),
    path("taxonomy_terms/<str:id>", openreferral.taxonomy_term_detail, name="taxonomy_term"),
    path("organizations", openreferral.organization_list, name="organizations"),
    path("organizations/<str:id>", openreferral.organization_detail, name="organization"),
]
