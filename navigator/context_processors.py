"""Values every page needs: whether the demo banner shows, and the site's own language."""

from django.conf import settings


def site(request):
    # Pages in any other language say they are translations (templates/base.html).
    return {"DEMO_MODE": settings.DEMO_MODE, "DEFAULT_LANGUAGE": settings.LANGUAGE_CODE}
