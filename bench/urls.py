"""The app's URLs, plus the framework floor at /bench/floor/."""

from django.urls import path

from navigator.urls import urlpatterns as app_urlpatterns

from . import floor

urlpatterns = [path("bench/floor/", floor.local_search), *app_urlpatterns]
