"""Background work of accounts: e-mailing a notification (console back-end unless configured)."""

from django.conf import settings
from django.core.mail import send_mail
from django_tasks import task

from .models import Notification


@task()
def notification_email_task(notification_id: int) -> bool:
    """Send one notification by e-mail; a recipient without an address is skipped."""
    notification = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if notification is None or not notification.recipient.email:
        return False
    body = notification.body
    if notification.url:
        body = f"{body}\n\n{settings.HAMYAR_SITE_URL.rstrip('/')}{notification.url}"
    send_mail(notification.subject, body, None, [notification.recipient.email])
    return True
