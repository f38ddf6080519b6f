"""Organisations' names in English and Welsh (django-modeltranslation).

`name` and `former_name` gain `_en` and `_cy` columns; `name` reads the active language's,
and an empty Welsh name falls back to the English. The name is unique in each language, so
an empty one is stored as NULL rather than "".
"""

from modeltranslation.translator import TranslationOptions, register

from pacesetter.models import Organisation


@register(Organisation)
class OrganisationTranslation(TranslationOptions):
    fields = ("name", "former_name")
    empty_values = {"name": None}
