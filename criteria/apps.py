from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CriteriaConfig(AppConfig):
    name = "criteria"
    verbose_name = _("Criteria and appraisal")

    def ready(self):
        from criteria.domain.round_figures import connect_receivers

        # Every write that can change a round's figures moves its version (round_figures).
        connect_receivers()
