"""GOV.UK Notify as a Django email backend, through Notify's official Python client.

Notify sends only what a template in the Notify service says, so the service has one
generic email template whose subject is `((subject))` and whose message is `((body))`; the
portal fills them with the mail it has already rendered in the recipient's language. The
sending address is the service's own (set in Notify), not DEFAULT_FROM_EMAIL.

Settings: NOTIFY_API_KEY (a key of the service) and NOTIFY_TEMPLATE_ID (that template's id).
"""

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from notifications_python_client.notifications import NotificationsAPIClient


class NotifyEmailBackend(BaseEmailBackend):
    """Send each recipient of each message as one Notify email notification."""

    def __init__(self, fail_silently=False, *, api_key=None, template_id=None, **kwargs):
        super().__init__(fail_silently=fail_silently, **kwargs)
        self.api_key = api_key or settings.NOTIFY_API_KEY
        self.template_id = template_id or settings.NOTIFY_TEMPLATE_ID
        self.client = None

    def open(self):
        """Make the client (the client is not thread-safe: one per backend instance)."""
        if self.client is None:
            self.client = NotificationsAPIClient(self.api_key)
            return True
        return False

    def close(self):
        self.client = None

    def send_messages(self, email_messages):
        """Send every message; return how many were sent. Raises Notify's errors unless silent."""
        if not email_messages:
            return 0
        opened_here = self.open()
        sent = 0
        try:
            for message in email_messages:
                try:
                    for address in message.recipients():
                        self.client.send_email_notification(
                            email_address=address,
                            template_id=self.template_id,
                            personalisation={"subject": message.subject, "body": message.body},
                        )
                except Exception:
                    if not self.fail_silently:
                        raise
                else:
                    sent += 1
        finally:
            if opened_here:
                self.close()
        return sent
