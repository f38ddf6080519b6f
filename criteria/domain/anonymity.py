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


def reviewer_names(matrix, *, named):
    """Map each submitted review in a score matrix to the name shown for its reviewer.

    Named: the reviewer's full name. Otherwise "Reviewer A", "Reviewer B"... in the
    application's anonymous order.
    """
    reviews = [column.review for column in matrix.columns]
    if named:
        return {review.pk: review.assignment.reviewer.full_name for review in reviews}
    ordered = anonymous_order(matrix.application, reviews)
    return {review.pk: reviewer_label(position) for position, review in enumerate(ordered)}


def appraisal_table(matrix, *, named):
    """Return a score matrix's columns and rows with each reviewer's shown name.

    `columns` is [(column, name)]; `rows` is [{"row": row, "cells": [(name, cell)]}], as the
    appraisal summary templates lay them out.
    """
    names = reviewer_names(matrix, named=named)
    columns = [(column, names[column.review.pk]) for column in matrix.columns]
    rows = [
        {
            "row": row,
            "cells": [
                (names[column.review.pk], cell)
                for column, cell in zip(matrix.columns, row.cells, strict=True)
            ],
        }
        for row in matrix.rows
    ]
    return columns, rows
