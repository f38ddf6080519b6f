"""Forms of the learning library: the search and its filters, the lead's summary, the review.

The forms read what was typed; the workflow's rules are `schemes.domain.learning`'s. The
search form never fails: anything a person or a robot puts in the address bar becomes a
search the domain can run (`LibraryFilters.search`).
"""

from crispy_forms_gds.layout import Button, Field
from django import forms
from django.utils.translation import gettext_lazy as _

from pacesetter.models import Organisation
from pacesetter.paging import choice
from pacesetter.text_limits import text_field
from schemes.domain.learning import LEARNING_FIELDS, LearningFilters
from schemes.enums import MeasureKind, SchemeStatus
from schemes.forms.common import VersionedForm
from schemes.forms.monitoring import RefusalForm, gds_helper
from schemes.models import LearningSummary, Round, StrategicComponent, Theme

# What the search box keeps of a query: the domain searches its first words and says so.
QUERY_MAX_LENGTH = 1000
SORTS = {"relevance": _("Relevance"), "date": _("Date published")}
PUBLISH = "publish"
RETURN = "return"
SHORT_FIELDS = ("model", "contact_role")


def clean_query(value):
    """The words typed, without control characters, cut at QUERY_MAX_LENGTH characters."""
    if not isinstance(value, str):
        return ""
    printable = "".join(character if character.isprintable() else " " for character in value)
    return " ".join(printable.split())[:QUERY_MAX_LENGTH]


class LibraryFilters:
    """The library's search and filters read from GET, with the choices each filter offers.

    Each choice list is one query; a value not among them is no filter.
    """

    def __init__(self, query):
        published = LearningSummary.objects.published()
        self.themes = [(str(theme.pk), theme.name) for theme in Theme.objects.all()]
        self.boards = [
            (str(board.pk), board.name)
            for board in Organisation.objects.filter(learning_summaries__in=published)
            .distinct()
            .order_by("name")
        ]
        rounds = [
            (f"round-{each.pk}", each.name)
            for each in Round.objects.filter(applications__learning_summary__in=published)
            .distinct()
            .order_by("-code")
        ]
        programmes = [
            (f"programme-{name}", name)
            for name in published.exclude(programme="")
            .order_by("programme")
            .values_list("programme", flat=True)
            .distinct()
        ]
        self.funded_by = rounds + programmes
        self.components = [
            (str(component.pk), f"{component.framework.name}: {component}")
            for component in StrategicComponent.objects.filter(
                applications__learning_summary__in=published
            )
            .select_related("framework")
            .distinct()
        ]
        self.statuses = SchemeStatus.choices
        self.measure_kinds = MeasureKind.choices
        self.sorts = list(SORTS.items())
        self.chosen = {
            "q": clean_query(query.get("q")),
            "theme": choice(query.get("theme"), {value for value, _ in self.themes}),
            "board": choice(query.get("board"), {value for value, _ in self.boards}),
            "funded_by": choice(query.get("funded_by"), {value for value, _ in self.funded_by}),
            "status": choice(query.get("status"), SchemeStatus.values),
            "component": choice(query.get("component"), {value for value, _ in self.components}),
            "measure": choice(query.get("measure"), MeasureKind.values),
            "sort": choice(query.get("sort"), SORTS, "relevance"),
        }

    @property
    def given(self):
        """What was chosen, only the choices made: a download's audit record keeps this."""
        return {name: value for name, value in self.chosen.items() if value}

    @property
    def filtered(self):
        return any(value for name, value in self.chosen.items() if name != "sort")

    def described(self):
        """[(what, chosen)]: the words and each filter chosen, as people read them."""
        labels = {
            "theme": (_("Theme"), self.themes),
            "board": (_("Health board"), self.boards),
            "funded_by": (_("Round or programme"), self.funded_by),
            "status": (_("Scheme status"), self.statuses),
            "component": (_("Strategic component"), self.components),
            "measure": (_("Kind of measure"), self.measure_kinds),
        }
        described = []
        if self.chosen["q"]:
            described.append((_("Words"), self.chosen["q"]))
        for name, (what, choices) in labels.items():
            if self.chosen[name]:
                described.append((what, dict(choices)[self.chosen[name]]))
        return described

    def search(self):
        """The LearningFilters of what was chosen."""
        chosen = self.chosen
        funded_by = chosen["funded_by"]
        return LearningFilters(
            theme=int(chosen["theme"]) if chosen["theme"] else None,
            organisation=int(chosen["board"]) if chosen["board"] else None,
            round=int(funded_by[6:]) if funded_by.startswith("round-") else None,
            programme=funded_by[10:] if funded_by.startswith("programme-") else "",
            scheme_status=chosen["status"],
            component=int(chosen["component"]) if chosen["component"] else None,
            measure_kind=chosen["measure"],
            sort=chosen["sort"],
        )


def _summary_field(name):
    model_field = LearningSummary._meta.get_field(name)
    rows = 2 if name in SHORT_FIELDS else 5
    widget = forms.TextInput if name == "contact_role" else forms.Textarea(attrs={"rows": rows})
    return text_field(
        label=model_field.verbose_name.capitalize(),
        help_text=model_field.help_text,
        required=False,
        max_length=model_field.max_length,
        widget=widget,
    )


class LearningSummaryForm(VersionedForm, RefusalForm):
    """The lead's text and themes; what must be there to submit is the domain's to say."""

    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        help_text=_("Select all that apply."),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Select themes from the list")},
    )

    def __init__(self, *args, summary, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "version": summary.version,
                "themes": list(summary.themes.all()),
                **{name: getattr(summary, name) for name in LEARNING_FIELDS},
            },
        )
        super().__init__(*args, **kwargs)
        for name in LEARNING_FIELDS:
            self.fields[name] = _summary_field(name)
        self.fields["contact_role"].widget.attrs["class"] = "govuk-!-width-two-thirds"
        self.helper = gds_helper(
            *(
                Field.text(name) if name == "contact_role" else Field.textarea(name)
                for name in LEARNING_FIELDS
            ),
            Field.checkboxes("themes"),
            Field("version"),
        )

    def text_values(self):
        return {name: self.cleaned_data[name] for name in LEARNING_FIELDS}


class LearningReviewForm(RefusalForm):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[
            (PUBLISH, _("Publish it to every health board")),
            (RETURN, _("Return it to the health board")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose publish or return")},
    )
    comments = text_field(
        label=_("Comments"),
        help_text=_("Required when returning: say what the health board should change."),
        required=False,
        max_length=LearningSummary._meta.get_field("manager_comments").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = gds_helper(
            Field.radios("decision"),
            Field.textarea("comments", rows=4),
            Button("review", _("Record the decision")),
        )
