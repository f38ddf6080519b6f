from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PacesetterConfig(AppConfig):
    name = "pacesetter"
    verbose_name = _("People and organisations")

    def ready(self):
        from pacesetter import (  # noqa: F401 - registers the deploy checks
            checks,
            signals,  # connects the sign-in audit receivers
        )
