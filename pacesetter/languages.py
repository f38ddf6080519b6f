"""The two languages reference content is kept in, and which fields hold them.

A field registered with django-modeltranslation (each app's `translation.py`) is stored
twice, as `<field>_en` and `<field>_cy`; the field itself reads the active language's.
"""

from modeltranslation.translator import NotRegistered, translator

ENGLISH, WELSH = "en", "cy"
CONTENT_LANGUAGES = (ENGLISH, WELSH)


def translated_fields(model):
    """The names of `model`'s fields kept in English and Welsh, in the model's field order."""
    try:
        registered = translator.get_options_for_model(model).fields
    except NotRegistered:
        return []
    return [field.name for field in model._meta.fields if field.name in registered]


def is_empty(value):
    """Whether a stored text is missing: NULL (a unique name) or "" (any other text)."""
    return value is None or value == ""


def texts(record):
    """`record`'s English and Welsh texts, as keyword arguments for a copy of it."""
    return {
        f"{field}_{language}": getattr(record, f"{field}_{language}")
        for field in translated_fields(type(record))
        for language in CONTENT_LANGUAGES
    }


def with_languages(model, lookups):
    """`lookups` for `.only()` on `model`, with the English and Welsh columns of each one
    that names a translated field (`round__name` brings `round__name_en` and `_cy`).

    A translated model's own queries add them by themselves; a query on another model that
    reads a translated field across a relation must ask for them, or each row would load
    them with a query of its own.
    """
    expanded = []
    for lookup in lookups:
        expanded.append(lookup)
        *path, name = lookup.split("__")
        target = model
        for part in path:
            target = target._meta.get_field(part).related_model
        if name in translated_fields(target):
            expanded.extend(f"{lookup}_{language}" for language in CONTENT_LANGUAGES)
    return expanded
