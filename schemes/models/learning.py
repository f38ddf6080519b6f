"""The learning library: what each funded scheme taught, in a summary any board can find.

Summaries are written by `schemes.domain.learning` (a lead starts, saves and submits one; a
programme manager publishes or returns it); the first programme's entries are reference data
(fixtures/reference/learning.yaml). The search columns are derived by `LearningSummary.
index_for_search` whenever a summary is saved (fixtures included), and searched only through
`schemes.domain.learning.learning_search`.
"""

import unicodedata

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from schemes.enums import LearningStatus, SchemeStatus

LONG_TEXT = 5000
SHORT_TEXT = 1000
TITLE_LENGTH = 300
# The programme the portal's own schemes belong to is their round's; historic entries name it.
FIRST_PROGRAMME = "Pacesetter 2015-18"
FTS_TABLE = "schemes_learning_fts"
# The FTS5 table's name is this constant, never input; the values go as parameters.
FTS_DELETE = "DELETE FROM schemes_learning_fts WHERE rowid = %s"
FTS_INSERT = (
    "INSERT INTO schemes_learning_fts (rowid, title, lessons, body) VALUES (%s, %s, %s, %s)"
)


def fold(text):
    """Lower-case `text` and strip its accents and circumflexes (ŵ -> w), for search only."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class Theme(models.Model):
    """One of Public Health Wales's headings for the first programme's projects (reference data)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=SHORT_TEXT)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name


class LearningSummaryQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=LearningStatus.PUBLISHED)

    def visible_to(self, user):
        """Summaries a user may open: every published one, and unpublished ones of their board.

        The scoped twin of `schemes.view_learning`. Programme managers (Welsh Government)
        see every summary; an applicant also sees their own board's unpublished ones;
        reviewers see the published library only.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_programme_manager:
            return self
        published = Q(status=LearningStatus.PUBLISHED)
        if user.is_applicant and user.organisation_id:
            return self.filter(published | Q(application__organisation_id=user.organisation_id))
        return self.filter(published)


class LearningSummary(models.Model):
    """What one scheme taught: a portal scheme's (one per application) or a historic entry.

    A portal scheme's summary belongs to an application with a delivery agreement; its
    board, title and programme come from the application, and its results against measures
    from the monitoring record (`measure_results`, copied by the domain on submission and
    publication, never typed). A historic entry (`application` empty) carries the appraisal's
    board, title, status and funding, and description as printed.
    """

    application = models.OneToOneField(
        "schemes.Application",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="learning_summary",
        verbose_name=_("application"),
    )
    organisation = models.ForeignKey(
        "pacesetter.Organisation",
        on_delete=models.PROTECT,
        related_name="learning_summaries",
        verbose_name=_("health board"),
    )
    programme = models.CharField(
        _("programme"),
        max_length=100,
        blank=True,
        help_text=_("For a historic entry: the programme it was funded by."),
    )
    board_as_printed = models.CharField(_("health board as printed"), max_length=200, blank=True)
    title = models.CharField(_("project"), max_length=TITLE_LENGTH)
    status_as_printed = models.CharField(
        _("current status and funding"), max_length=SHORT_TEXT, blank=True
    )
    scheme_status = models.CharField(
        _("scheme status"),
        max_length=20,
        choices=SchemeStatus.choices,
        blank=True,
        help_text=_("Blank where the source does not say."),
    )
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT)
    problem = models.TextField(_("the problem"), blank=True, max_length=LONG_TEXT)
    what_was_done = models.TextField(_("what was done"), blank=True, max_length=LONG_TEXT)
    model = models.TextField(_("the model in a few lines"), blank=True, max_length=SHORT_TEXT)
    results = models.TextField(
        _("results"),
        blank=True,
        max_length=LONG_TEXT,
        help_text=_("Only for a historic entry: the source's own words."),
    )
    measure_results = models.TextField(
        _("results against measures"), blank=True, editable=False, max_length=LONG_TEXT * 4
    )
    what_helped = models.TextField(_("what helped"), blank=True, max_length=LONG_TEXT)
    what_got_in_the_way = models.TextField(
        _("what got in the way"), blank=True, max_length=LONG_TEXT
    )
    costs = models.TextField(_("costs"), blank=True, max_length=LONG_TEXT)
    outcome_reason = models.TextField(
        _("mainstreamed or stopped, and why"), blank=True, max_length=LONG_TEXT
    )
    advice = models.TextField(
        _("advice to a board that wants to adopt it"), blank=True, max_length=LONG_TEXT
    )
    contact_role = models.CharField(
        _("contact role"),
        max_length=200,
        blank=True,
        help_text=_("A role, never a person's name, e.g. Cluster development lead."),
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="summaries", verbose_name=_("themes")
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=LearningStatus.choices,
        default=LearningStatus.DRAFT,
    )
    manager_comments = models.TextField(
        _("comments from Welsh Government"), blank=True, max_length=LONG_TEXT
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Raised on every save, to refuse stale edits.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Derived by `index_for_search`: folded text, in the weight groups the search ranks by.
    search_title = models.TextField(editable=False, blank=True, default="")
    search_lessons = models.TextField(editable=False, blank=True, default="")
    search_body = models.TextField(editable=False, blank=True, default="")

    objects = LearningSummaryQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(application__isnull=False) | ~Q(programme=""),
                name="learning_summary_is_a_schemes_or_historic",
            )
        ]
        verbose_name = _("learning summary")
        verbose_name_plural = _("learning summaries")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("schemes:learning_detail", args=[self.pk])

    def audit_scope(self):
        if self.application_id:
            return self.application_id, self.application.round_id
        return None, None

    @property
    def is_historic(self):
        return self.application_id is None

    @property
    def language(self):
        """The language the summary is written in: its application's; English when historic."""
        if self.application_id is None:
            return "en"
        return self.application.language

    @property
    def programme_name(self):
        """The programme or round the scheme was funded by."""
        if self.application_id:
            return self.application.round.name
        return self.programme

    def search_texts(self):
        """(title and model, results and lessons, the rest): the folded text of each weight."""
        title = " ".join([self.title, self.model])
        lessons = " ".join(
            [
                self.results,
                self.measure_results,
                self.what_helped,
                self.what_got_in_the_way,
                self.outcome_reason,
                self.advice,
            ]
        )
        body = " ".join(
            [
                self.description,
                self.problem,
                self.what_was_done,
                self.costs,
                self.status_as_printed,
                self.board_as_printed,
                self.contact_role,
            ]
        )
        return fold(title), fold(lessons), fold(body)

    def index_for_search(self):
        """Write the folded search columns and, on SQLite, this summary's FTS5 row."""
        index_for_search([self])


def index_for_search(summaries):
    """Write the folded search columns of saved `summaries` and, on SQLite, their FTS5 rows.

    One statement a summary for the columns and, on SQLite, two batched ones for the FTS5 rows;
    bulk loads (the benchmark) call it directly, since bulk_create sends no signal.
    """
    rows = []
    for summary in summaries:
        title, lessons, body = summary.search_texts()
        LearningSummary._default_manager.filter(pk=summary.pk).update(
            search_title=title, search_lessons=lessons, search_body=body
        )
        summary.search_title, summary.search_lessons, summary.search_body = title, lessons, body
        rows.append((summary.pk, title, lessons, body))
    if connection.vendor == "sqlite" and rows:
        with connection.cursor() as cursor:
            cursor.executemany(FTS_DELETE, [[row[0]] for row in rows])
            cursor.executemany(FTS_INSERT, [list(row) for row in rows])


@receiver(post_save, sender=LearningSummary)
def _index_learning_summary(sender, instance, **kwargs):
    # Fixtures save raw, bypassing save(); the signal still comes, so every path indexes.
    instance.index_for_search()


@receiver(post_delete, sender=LearningSummary)
def _unindex_learning_summary(sender, instance, **kwargs):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(FTS_DELETE, [instance.pk])
