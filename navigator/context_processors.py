"""Values every page needs: whether the demo banner shows."""

from django.conf import settings


def site(request):
    return {"DEMO_MODE": settings.DEMO_MODE}
