"""The criteria sets' texts in English and Welsh (django-modeltranslation).

Each field named here gains `<field>_en` and `<field>_cy` columns on its own table; the field
itself reads the active language's, and empty Welsh falls back to English. A criterion's
label ("1a") and a scale point's value are the same in both languages and are not here.
The histories are registered here, after the translation columns exist, so that each
historical row records both languages.
"""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from criteria.models import CriteriaSet, CriteriaSource, Criterion, CriterionGroup, ScalePoint


@register(CriteriaSet)
class CriteriaSetTranslation(TranslationOptions):
    fields = ("title", "sources_heading")


@register(CriterionGroup)
class CriterionGroupTranslation(TranslationOptions):
    fields = ("preamble",)


@register(Criterion)
class CriterionTranslation(TranslationOptions):
    # The key phrases are marked **like this** inside the wording, in each language.
    fields = ("wording", "guidance")


@register(CriteriaSource)
class CriteriaSourceTranslation(TranslationOptions):
    fields = ("text",)


@register(ScalePoint)
class ScalePointTranslation(TranslationOptions):
    fields = ("label",)


register_history(CriteriaSet)
register_history(Criterion)
