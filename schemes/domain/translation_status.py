"""What reference content lacks its Welsh (or its English): the one owner of that answer.

The translation status page lists it for programme managers, and a round cannot open while
its own texts, its criteria set, its question set or its frameworks lack either language
(`round_untranslated`, called by `schemes.domain.rounds.round_transition`).

A text lacks a language when that language's column is empty and the other's is not; a
text empty in both (optional guidance, say) lacks nothing. Criteria sets live in the
`criteria` app, reached by name (`apps.get_model`) so that `schemes` never imports it.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from pacesetter.languages import CONTENT_LANGUAGES, ENGLISH, WELSH, is_empty, translated_fields
from pacesetter.models import Organisation
from schemes.models import (
    Question,
    QuestionSet,
    Round,
    Section,
    StrategicComponent,
    StrategicFramework,
    Theme,
)

LANGUAGE_NAMES = {ENGLISH: _("English"), WELSH: _("Welsh")}
# A part edited on its whole's admin page: a criteria set's parts, a form's sections, a
# framework's components.
OWNERS = ("criteria_set", "question_set", "framework")


def criteria_model(name):
    return apps.get_model("criteria", name)


@dataclass(frozen=True)
class Kind:
    """A kind of content on the page: its heading and the models that hold it."""

    key: str
    heading: str
    models: tuple


def kinds():
    """Every kind of reference content kept in both languages, in the page's order."""
    return (
        Kind("organisations", _("Organisations"), (Organisation,)),
        Kind(
            "criteria_sets",
            _("Criteria sets"),
            tuple(
                criteria_model(name)
                for name in (
                    "CriteriaSet",
                    "CriterionGroup",
                    "Criterion",
                    "CriteriaSource",
                    "ScalePoint",
                )
            ),
        ),
        Kind("question_sets", _("Question sets"), (QuestionSet, Section, Question)),
        Kind("frameworks", _("Strategic frameworks"), (StrategicFramework, StrategicComponent)),
        Kind("rounds", _("Funding rounds"), (Round,)),
        Kind("themes", _("Learning themes"), (Theme,)),
    )


@dataclass
class Untranslated:
    """One record with the texts it lacks: `missing` maps a language to the fields' names."""

    record: object
    missing: dict = field(default_factory=dict)

    @property
    def model_name(self):
        return self.record._meta.verbose_name

    def field_labels(self, language):
        return [
            str(self.record._meta.get_field(name).verbose_name)
            for name in self.missing.get(language, [])
        ]

    @property
    def lacks(self):
        """[(language name, [field labels])] for each language it lacks, English first."""
        return [
            (LANGUAGE_NAMES[language], self.field_labels(language))
            for language in CONTENT_LANGUAGES
            if self.missing.get(language)
        ]

    @property
    def edit_url(self):
        return edit_url(self.record)


def empty(column):
    return Q(**{f"{column}__isnull": True}) | Q(**{column: ""})


def lacking_condition(model):
    """A filter for rows of `model` with any text in one language but not the other."""
    condition = Q(pk__in=[])
    for name in translated_fields(model):
        english, welsh = empty(f"{name}_{ENGLISH}"), empty(f"{name}_{WELSH}")
        condition |= (welsh & ~english) | (english & ~welsh)
    return condition


def lacking(record):
    """{language: [field names]} of the texts `record` lacks (empty if none)."""
    missing = {}
    for name in translated_fields(type(record)):
        values = {language: getattr(record, f"{name}_{language}") for language in CONTENT_LANGUAGES}
        for language, other in ((ENGLISH, WELSH), (WELSH, ENGLISH)):
            if is_empty(values[language]) and not is_empty(values[other]):
                missing.setdefault(language, []).append(name)
    return missing


def untranslated(queryset):
    """The records of `queryset` that lack a language, each with what it lacks."""
    model = queryset.model
    rows = queryset.filter(lacking_condition(model)).select_related(*owner_field(model))
    return [Untranslated(record, lacking(record)) for record in rows]


def translation_status():
    """[(kind, [Untranslated])] for every kind of content, in the page's order.

    One query per model; a kind with nothing missing has an empty list.
    """
    return [
        (kind, [item for model in kind.models for item in untranslated(model._base_manager.all())])
        for kind in kinds()
    ]


def round_untranslated(round):
    """Everything `round` offers applicants and reviewers that lacks a language.

    The round's own texts, its criteria set (with its groups, criteria, sources and scale),
    its question set (with its sections and questions) and its frameworks (with their
    components), as a list of Untranslated, in that order.
    """
    criteria_set_id, question_set_id = round.criteria_set_id, round.question_set_id
    framework_ids = list(round.frameworks.values_list("pk", flat=True))
    querysets = [
        Round._base_manager.filter(pk=round.pk),
        criteria_model("CriteriaSet")._base_manager.filter(pk=criteria_set_id),
        criteria_model("CriterionGroup")._base_manager.filter(criteria_set_id=criteria_set_id),
        criteria_model("Criterion")._base_manager.filter(criteria_set_id=criteria_set_id),
        criteria_model("CriteriaSource")._base_manager.filter(criteria_set_id=criteria_set_id),
        criteria_model("ScalePoint")._base_manager.filter(criteria_set_id=criteria_set_id),
        QuestionSet._base_manager.filter(pk=question_set_id),
        Section._base_manager.filter(question_set_id=question_set_id),
        Question._base_manager.filter(section__question_set_id=question_set_id),
        StrategicFramework._base_manager.filter(pk__in=framework_ids),
        StrategicComponent._base_manager.filter(framework_id__in=framework_ids),
    ]
    return [item for queryset in querysets for item in untranslated(queryset)]


def round_untranslated_message(items):
    """The refusal naming what lacks a language, or None when nothing does."""
    if not items:
        return None
    named = "; ".join(
        _("%(record)s lacks its %(language)s %(fields)s")
        % {
            "record": f"{item.model_name} “{short(item.record)}”",
            "language": language_name,
            "fields": ", ".join(labels),
        }
        for item in items[:5]
        for language_name, labels in item.lacks
    )
    more = len(items) - 5
    message = _("The round cannot open until its content is in Welsh and English: %(named)s.") % {
        "named": named
    }
    if more > 0:
        message = _("%(message)s And %(count)s more: see the translation status page.") % {
            "message": message,
            "count": more,
        }
    return message


def short(record, limit=60):
    text = str(record)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def owner_field(model):
    """[The name of the foreign key to the record whose page edits `model`'s], or []."""
    if model is Round:
        return []
    names = {f.name for f in model._meta.fields}
    return [name for name in OWNERS if name in names][:1]


def edit_url(record):
    """Where `record`'s texts are edited: round set-up for a round still changeable, else the
    Django admin, on the page of the whole a part belongs to."""
    from schemes.domain.round_setup import EDITABLE_STATES

    if isinstance(record, Round) and record.state in EDITABLE_STATES:
        return reverse("schemes:round_edit", args=[record.code])
    owner = record
    for name in owner_field(type(record)):
        owner = getattr(record, name)
    meta = owner._meta
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[owner.pk])
    except NoReverseMatch:
        return None
