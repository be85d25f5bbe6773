from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter(trailing_slash=True)
router.register("services", api.ServiceViewSet, basename="service")
router.register("languages", api.LanguageViewSet, basename="language")

app_name = "api"
urlpatterns = router.urls
