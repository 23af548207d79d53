"""Django app configuration."""

from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "mamori.guard.media"
    label = "media"
    default_auto_field = "django.db.models.BigAutoField"
