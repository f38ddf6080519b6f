"""How reviewers appear where they must not be identified: "Reviewer A", "Reviewer B"..."""

import hashlib
import hmac

from django.conf import settings
from django.utils.translation import gettext


def anonymous_order(application, reviews):
    """Return `reviews` in an order that reveals nobody, for "Reviewer A", "Reviewer B" ...

    The order is a keyed hash of the application and review, so it is the same on every
    visit but follows neither names, email addresses nor the order reviewers were assigned.
    """
    key = settings.SECRET_KEY.encode()

    def order(review):
        message = f"{application.pk}:{review.pk}".encode()
        return hmac.new(key, message, hashlib.sha256).hexdigest()

    return sorted(reviews, key=order)


def reviewer_label(position):
    """ "Reviewer A" ... "Reviewer Z", then "Reviewer AA" for a panel larger than the alphabet."""
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return gettext("Reviewer %(letter)s") % {"letter": letters}
