"""GOV.UK Frontend's own JavaScript messages, translated by the portal's catalogue.

GOV.UK Frontend writes some messages from JavaScript (the word and character counter's "You
have 12 words remaining") in English unless the component's `data-i18n.<key>.<plural>`
attributes give them. Plural forms are the browser's: Intl.PluralRules names a category
(Welsh: zero, one, two, few, many, other; English: one, other), and each category's message
is the catalogue's plural form for a number of that category.
"""

from django import template
from django.utils.html import format_html_join
from django.utils.translation import get_language, gettext, ngettext

register = template.Library()

# A number in each of the language's Intl.PluralRules categories: the catalogue's form for
# it is the message for the whole category.
PLURAL_EXAMPLES = {
    "cy": {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 6, "other": 4},
    "en": {"one": 1, "other": 4},
}


def counted_messages(number):
    """The counter's messages for `number` words or characters, in the active language.

    %{count} is GOV.UK Frontend's placeholder, which its JavaScript fills in.
    """
    return {
        # Translators: keep %{count}: GOV.UK Frontend's script puts the number there.
        "characters-under-limit": ngettext(
            "You have %{count} character remaining",
            "You have %{count} characters remaining",
            number,
        ),
        "characters-over-limit": ngettext(
            "You have %{count} character too many", "You have %{count} characters too many", number
        ),
        "words-under-limit": ngettext(
            "You have %{count} word remaining", "You have %{count} words remaining", number
        ),
        "words-over-limit": ngettext(
            "You have %{count} word too many", "You have %{count} words too many", number
        ),
    }


def character_count_messages():
    """[(attribute, message)] for a GOV.UK character count, in the active language."""
    language = (get_language() or "en").split("-")[0]
    examples = PLURAL_EXAMPLES.get(language, PLURAL_EXAMPLES["en"])
    messages = [
        (f"data-i18n.{key}.{category}", message)
        for category, number in examples.items()
        for key, message in counted_messages(number).items()
    ]
    messages.sort()
    messages.append(("data-i18n.characters-at-limit", gettext("You have 0 characters remaining")))
    messages.append(("data-i18n.words-at-limit", gettext("You have 0 words remaining")))
    return messages


@register.simple_tag
def character_count_i18n():
    """The `data-i18n.*` attributes of a GOV.UK character count, translated."""
    return format_html_join(" ", '{}="{}"', character_count_messages())
