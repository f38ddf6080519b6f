from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


class CriteriaConfig(AppConfig):
    name = "criteria"
    verbose_name = _("Criteria and appraisal")

    def ready(self):
        from criteria.domain.ranking_version import install_triggers, remove_triggers

        # Around every migrate, not in a migration: SQLite drops a table's triggers whenever a
        # later migration rebuilds that table, and migrations are simpler without them.
        pre_migrate.connect(
            remove_triggers, sender=self, dispatch_uid="criteria.ranking_change_triggers_off"
        )
        post_migrate.connect(
            install_triggers, sender=self, dispatch_uid="criteria.ranking_change_triggers"
        )
