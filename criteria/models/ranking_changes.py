"""A row for every write that can move a round's ranking, added by the database itself."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RankingChange(models.Model):
    """One write to scores, reviews, assignments, moderations, budget lines or applications.

    Rows are added only by database triggers (`criteria.domain.ranking_version`), never by the
    portal's code, so that no write path (a form, the admin, a queryset `update()`, a bulk
    load or raw SQL) can move the scores or the money without a row here. `token` is random:
    it tells a row from one that reused its id after a rolled-back transaction.
    """

    token = models.CharField(_("token"), max_length=32)

    class Meta:
        verbose_name = _("ranking change")
        verbose_name_plural = _("ranking changes")

    def __str__(self):
        return f"{self.pk}:{self.token}"
