"""Idempotency-Key on creating POSTs: a retried request gets the first answer, and creates nothing.

The first request claims the key with a row (unique per owner and key) before it runs; a
concurrent retry finds the claim and is told to wait (409); a finished one is replayed. Only a
success is kept: an error leaves nothing behind, so the client may correct and retry with the key.
"""

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import ApplicationError, InvalidInput
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
# A claim older than this belongs to a request that died; it may be taken over.
ABANDONED_AFTER = timedelta(minutes=5)
KEEP_FOR = timedelta(days=1)
# Printable ASCII, as the IETF draft has it: a UUID, a ULID or the client's own request id.
VALID_KEY = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]{0,198}[\x21-\x7e])?")


class KeyInUse(ApplicationError):
    status = 409
    code = "idempotency_in_progress"
    default_message = _("A request with this Idempotency-Key is still being processed; retry shortly.")


def _owner(request: HttpRequest) -> str | None:
    authorization = request.headers.get("Authorization", "")
    if authorization.lower().startswith("bearer "):
        return "token:" + hashlib.sha256(authorization[7:].strip().encode()).hexdigest()[:40]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def _request_hash(request: HttpRequest) -> str:
    # The query string is part of the request: the same key on another URL is another request.
    digest = hashlib.sha256((request.method or "").encode() + b" " + request.get_full_path().encode() + b"\n")
    digest.update(request.body)
    return digest.hexdigest()


def run_once(request: HttpRequest, view: Callable[[], HttpResponse], *,
             _retried: bool = False) -> HttpResponse:
    """Run `view` for a POST carrying Idempotency-Key at most once per owner and key."""
    key = request.headers.get(HEADER, "").strip()
    owner = _owner(request)
    if request.method != "POST" or not key or owner is None:
        return view()
    if len(key) > 200:
        raise InvalidInput(_("The Idempotency-Key is too long (200 characters at most)."),
                           code="idempotency_key_invalid")
    if not VALID_KEY.fullmatch(key):
        # A NUL or other control character would be a database error, not an answer.
        raise InvalidInput(_("The Idempotency-Key may hold only printable ASCII characters."),
                           code="idempotency_key_invalid")
    try:
        fingerprint = _request_hash(request)
    except RequestDataTooBig:
        return view()  # refused as too large by the view itself; nothing to remember
    now = timezone.now()
    IdempotencyKey.objects.filter(created_at__lt=now - KEEP_FOR).delete()
    IdempotencyKey.objects.filter(
        owner=owner, key=key, status_code__isnull=True, created_at__lt=now - ABANDONED_AFTER
    ).delete()
    try:
        with transaction.atomic():
            claim = IdempotencyKey.objects.create(owner=owner, key=key, request_hash=fingerprint)
    except IntegrityError:
        earlier = IdempotencyKey.objects.filter(owner=owner, key=key).first()
        if earlier is None:  # finished with an error and released between our insert and read
            if _retried:
                raise KeyInUse() from None
            return run_once(request, view, _retried=True)
        if earlier.request_hash != fingerprint:
            raise InvalidInput(
                _("This Idempotency-Key was already used for a different request."),
                code="idempotency_key_reused",
            ) from None
        if earlier.status_code is None:
            raise KeyInUse() from None
        response = HttpResponse(bytes(earlier.body), status=earlier.status_code,
                                content_type=earlier.content_type)
        response["Idempotent-Replayed"] = "true"
        return response
    try:
        response = view()
    except BaseException:
        claim.delete()
        raise
    if 200 <= response.status_code < 300 and not getattr(response, "streaming", False):
        claim.status_code = response.status_code
        claim.content_type = response.get("Content-Type", "")
        claim.body = response.content
        claim.save(update_fields=["status_code", "content_type", "body"])
    else:
        claim.delete()
    return response
