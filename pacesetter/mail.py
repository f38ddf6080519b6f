"""Every email the portal sends: rendered in the recipient's language, sent by the worker.

`mail_queue` is the one way to send mail. It renders the subject and body while the
recipient's recorded language is active (so gettext, template tags, dates and numbers all
follow it), and once the surrounding transaction commits it enqueues `deliver_mail`, a
background task whose arguments are only the finished text. Nothing is sent inside a request,
nothing is sent for a transaction that rolls back, and the worker never needs the database
rows the mail was written from.
"""

import datetime
import logging
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

logger = logging.getLogger(__name__)

# A failed delivery (the mail server or Notify unreachable, say) is tried again after these
# waits, then given up: each failed attempt is a FAILED task result holding the whole mail,
# with its traceback, and is logged.
RETRY_AFTER = (
    datetime.timedelta(minutes=1),
    datetime.timedelta(minutes=10),
    datetime.timedelta(hours=1),
)


def rendered_mail(*, template, context, language):
    """Return (subject, body) of `template` rendered with `language` active.

    The subject is `<template>_subject.txt` on one line; the body is `<template>.txt`.
    """
    with translation.override(language):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}.txt", context)
    return " ".join(subject.split()), body


def mail_queue(*, recipient, template, context=None, language=None):
    """Email `recipient` the `template` in their recorded language, once the transaction commits.

    `recipient` is a person (a User or an Invitation: its `email` and `language`), or an
    address, in which case `language` must be given; for a person, `language` overrides the
    recorded one. The context gains `recipient`.
    Side effect: enqueues `deliver_mail` on commit; nothing is sent if the transaction rolls
    back.
    """
    if isinstance(recipient, str):
        if not language:
            raise ValueError("An address needs the language to write in.")
        address = recipient
    else:
        address, language = recipient.email, language or recipient.language
    subject, body = rendered_mail(
        template=template, context={"recipient": recipient, **(context or {})}, language=language
    )
    transaction.on_commit(
        partial(
            deliver_mail.enqueue,
            to=[address],
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            headers={"Content-Language": language},
        )
    )


@task()
def deliver_mail(*, to, subject, body, from_email, headers=None, attempt=1):
    """Send one finished mail through the configured email backend.

    If sending fails, the same mail is queued again after the next of RETRY_AFTER's waits
    (when the task backend can wait) and this attempt fails: its task result is FAILED, with
    the traceback, and django_tasks logs it. After the last attempt the error is logged.
    """
    try:
        EmailMessage(subject, body, from_email, to, headers=headers or {}).send()
    except Exception:
        if attempt <= len(RETRY_AFTER) and deliver_mail.get_backend().supports_defer:
            deliver_mail.using(run_after=timezone.now() + RETRY_AFTER[attempt - 1]).enqueue(
                to=to,
                subject=subject,
                body=body,
                from_email=from_email,
                headers=headers,
                attempt=attempt + 1,
            )
            logger.warning("A mail could not be sent (attempt %d); it is queued again", attempt)
        else:
            logger.error("A mail could not be sent (attempt %d); giving up", attempt)
        raise
