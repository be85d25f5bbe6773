from django.urls import path

from . import views

app_name = "pathways"
urlpatterns = [
    path("pathway/", views.pathway_form, name="form"),
    path("pathway/plan/", views.plan, name="plan"),
]
