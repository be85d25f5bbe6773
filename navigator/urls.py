from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

admin.site.site_header = "Navigator directory admin"
admin.site.site_title = "Navigator admin"
admin.site.index_title = "Keep the directory true"

# Machine-readable addresses and the admin: one address each, in English.
urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("directory.api_urls")),
    path("api/v1/", include("pathways.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("openreferral/", include("directory.openreferral_urls")),
]
# The public pages, in every language of settings.LANGUAGES: English at the root, the others
# under their code (/ur/search/). The language is read from this prefix alone (LocaleMiddleware
# falls back to LANGUAGE_CODE when there is none), so no browser setting or cookie redirects.
urlpatterns += i18n_patterns(
    path("", include("pathways.urls")),
    path("", include("directory.urls")),
    prefix_default_language=False,
)
