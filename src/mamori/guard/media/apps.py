"""Django app configuration."""

from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "mamori.guard.media"
    label = "media"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Version the media policy on every change of the register."""
        from mamori.guard.media import policy

        policy.connect()
