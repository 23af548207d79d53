"""Django app configuration."""

from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "mamori.guard.incidents"
    label = "incidents"
    default_auto_field = "django.db.models.BigAutoField"
