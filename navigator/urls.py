from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Navigator directory admin"
admin.site.site_title = "Navigator admin"
admin.site.index_title = "Keep the directory true"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("directory.api_urls")),
    path("", include("directory.urls")),
]
