"""WSGI entry point: `gunicorn navigator.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "navigator.settings")

application = get_wsgi_application()
