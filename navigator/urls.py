from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

admin.site.site_header = "Navigator directory admin"
admin.site.site_title = "Navigator admin"
admin.site.index_title = "Keep the directory true"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("directory.api_urls")),
    path("api/v1/", include("pathways.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("openreferral/", include("directory.openreferral_urls")),
    path("", include("pathways.urls")),
    path("", include("directory.urls")),
]
