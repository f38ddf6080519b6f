"""Rounds, question sets, frameworks and themes in English and Welsh (django-modeltranslation).

Each field named here gains `<field>_en` and `<field>_cy` columns on its own table; the field
itself reads the active language's, and empty Welsh falls back to English. A round's name is
unique in each language, so an empty one is stored as NULL rather than "". The round's
history is registered here, after the translation columns exist, so that each historical
row records both languages.
"""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from schemes.models import (
    Question,
    QuestionSet,
    Round,
    Section,
    StrategicComponent,
    StrategicFramework,
    Theme,
)


@register(QuestionSet)
class QuestionSetTranslation(TranslationOptions):
    fields = ("name", "tick_matrix_heading")


@register(Section)
class SectionTranslation(TranslationOptions):
    fields = ("title",)


@register(Question)
class QuestionTranslation(TranslationOptions):
    # The word limit is a number, the same in both languages.
    fields = ("label", "guidance")


@register(StrategicFramework)
class StrategicFrameworkTranslation(TranslationOptions):
    fields = ("name",)


@register(StrategicComponent)
class StrategicComponentTranslation(TranslationOptions):
    fields = ("text",)


@register(Round)
class RoundTranslation(TranslationOptions):
    fields = ("name", "declaration")
    empty_values = {"name": None}
    # Only an empty Welsh declaration falls back to English. modeltranslation's default takes
    # a value equal to the field's default as missing, and the default declaration is a
    # translated string: in Welsh it equals the Welsh declaration, which was then never shown.
    fallback_undefined = {"declaration": ""}


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name", "description")
    empty_values = {"name": None}


# The version is bookkeeping, not content: it moves with every score.
register_history(Round, excluded_fields=["figures_version"])
