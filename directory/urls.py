from django.urls import path

from . import shortlist, views

app_name = "directory"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("services/", views.service_list, name="service_list"),
    path("services/<slug:slug>/", views.service_detail, name="service_detail"),
    path("about/", views.about, name="about"),
    path("my-list/", shortlist.shortlist, name="shortlist"),
    path("my-list/add/", shortlist.shortlist_add, name="shortlist_add"),
    path("my-list/remove/", shortlist.shortlist_remove, name="shortlist_remove"),
]
