from django.urls import path

from .api import PathwayView

app_name = "pathways_api"
urlpatterns = [path("pathways/", PathwayView.as_view(), name="pathways")]
