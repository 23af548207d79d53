"""Django app configuration: the notices follow model changes through signals, so the workflows need no calls."""

from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "mamori.guard.notices"
    label = "notices"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from mamori.guard.notices import signals

        signals.connect()
