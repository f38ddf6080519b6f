"""How much text a person may type into a form field, and the one message when it is too much.

Every free-text form field is made by `text_field`, so each has a limit and says it the same
way. The limits are generous: they stop a pasted book, not a long answer.
"""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext

# An answer to a question without a word limit (a word limit is checked as well where set).
ANSWER_MAX_LENGTH = 20_000
# Comments, reasons, conditions, justifications and notes.
NOTE_MAX_LENGTH = 5_000


def _too_long(limit):
    return gettext("Enter no more than %(limit)s characters") % {"limit": f"{limit:,}"}


# Lazy, so a field made at import speaks the language of the request that shows it.
too_long_message = lazy(_too_long, str)


def text_field(*, max_length, **kwargs):
    """Return a CharField that refuses more than `max_length` characters with the one message.

    The browser is not given a maxlength: it would cut pasted text silently, where the message
    tells the person what happened.
    """
    error_messages = {
        "max_length": too_long_message(max_length),
        **kwargs.pop("error_messages", {}),
    }
    field = forms.CharField(max_length=max_length, error_messages=error_messages, **kwargs)
    field.widget.attrs.pop("maxlength", None)
    return field
