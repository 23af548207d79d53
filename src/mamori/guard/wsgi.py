"""WSGI entry point (gunicorn ``mamori.guard.wsgi:application``)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mamori.guard.settings")
application = get_wsgi_application()
