"""Django app configuration."""

from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "mamori.guard.organisation"
    label = "organisation"
    default_auto_field = "django.db.models.BigAutoField"
