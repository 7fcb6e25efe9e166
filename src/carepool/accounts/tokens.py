"""Personal API tokens: made and revoked by their owner, kept only as a SHA-256 hash.

A token is ``cp_<prefix>_<secret>``: ``prefix`` (8 hex characters) is public and tells tokens
apart in lists; ``secret`` is 32 random bytes. A script sends the whole token as
``Authorization: Bearer <token>`` and then acts as the token's owner, with exactly their
roles and scoping. A token that is revoked, expired, or whose owner is inactive is refused.

Why a plain SHA-256 and not a password hash: the token is 256 random bits, so nothing can be
guessed from its hash and no slow hash is needed; checking one costs microseconds where a
password costs ~300 ms (docs/adr/0009-api-tokens.md, bench/RESULTS.md).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from carepool.accounts.models import ApiToken, User
from carepool.accounts.permissions import NotFound, is_active
from carepool.audit.models import Action
from carepool.audit.services import Actor, Change, record
from carepool.core import parse
from carepool.core.errors import ValidationFailed

TOKEN_FORMAT = re.compile(r"^cp_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$")
DEFAULT_EXPIRY_DAYS = 90
MAX_EXPIRY_DAYS = 366
NEVER = "never"
# last_used_at is written at most this often per token, not on every request.
LAST_USED_PRECISION = timedelta(minutes=1)


class Status:
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class IssuedToken:
    """A token just made. ``secret`` is the whole token: show it once, never store it."""

    token: ApiToken
    secret: str


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def status_of(token: ApiToken, now: datetime | None = None) -> str:
    if token.revoked_at is not None:
        return Status.REVOKED
    if token.expires_at is not None and token.expires_at <= (now or timezone.now()):
        return Status.EXPIRED
    return Status.ACTIVE


# --- reading ---------------------------------------------------------------------------------


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first, revoked and expired ones included."""
    return ApiToken.objects.filter(user=user)


def own_token(user: User, token_id: Any) -> ApiToken:
    """One of the user's own tokens; anyone else's is "not found", as if it did not exist."""
    try:
        pk = int(str(token_id).strip())
    except ValueError:
        raise NotFound("There is no such token among yours") from None
    token = ApiToken.objects.filter(user=user, pk=pk).first()
    if token is None:
        raise NotFound("There is no such token among yours")
    return token


def user_for_token(raw: str) -> User | None:
    """The active owner of a usable token, or None. Records when the token was last used."""
    if not TOKEN_FORMAT.match(raw):
        return None
    try:
        token = ApiToken.objects.select_related("user__organisation").get(
            secret_hash=hash_token(raw)
        )
    except ApiToken.DoesNotExist:
        return None
    now = timezone.now()
    if status_of(token, now) != Status.ACTIVE or not is_active(token.user):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


# --- writing ---------------------------------------------------------------------------------


def _owner(actor: Actor) -> User:
    user = actor.user
    if user is None or not is_active(user):
        # Tokens belong to a person; the system has no tokens of its own.
        raise ValidationFailed.single("user", "API tokens are made by a signed-in person")
    return user


def _expiry_days(value: Any) -> int | None:
    if parse.is_blank(value):
        return DEFAULT_EXPIRY_DAYS
    if isinstance(value, str) and value.strip().lower() == NEVER:
        return None
    message = f"must be a whole number of days from 1 to {MAX_EXPIRY_DAYS}, or '{NEVER}'"
    if isinstance(value, bool):
        raise ValidationFailed.single("expires_in_days", message)
    try:
        days = int(str(value).strip())
    except ValueError:
        raise ValidationFailed.single("expires_in_days", message) from None
    if not 1 <= days <= MAX_EXPIRY_DAYS:
        raise ValidationFailed.single("expires_in_days", message)
    return days


def _clean(user: User, data: Mapping[str, Any]) -> tuple[str, int | None]:
    errors: list[ValidationFailed] = []
    name = ""
    days: int | None = None
    try:
        name = parse.text(data.get("name"), "name", required=True, max_length=100)
    except ValidationFailed as exc:
        errors.append(exc)
    try:
        days = _expiry_days(data.get("expires_in_days"))
    except ValidationFailed as exc:
        errors.append(exc)
    if name and any(
        status_of(t) == Status.ACTIVE for t in tokens_of(user).filter(name__iexact=name)
    ):
        errors.append(ValidationFailed.single("name", f"You already have a token called '{name}'"))
    if errors:
        raise ValidationFailed([e for failure in errors for e in failure.errors])
    return name, days


def _new_secret() -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    return prefix, f"cp_{prefix}_{secrets.token_urlsafe(32)}"


@transaction.atomic
def create_token(actor: Actor, data: Mapping[str, Any]) -> IssuedToken:
    """A new token for the actor themselves: ``name``, ``expires_in_days`` (or "never")."""
    user = _owner(actor)
    name, days = _clean(user, data)
    now = timezone.now()
    expires_at = now + timedelta(days=days) if days is not None else None
    for _attempt in range(5):
        prefix, secret = _new_secret()
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=user,
                    name=name,
                    prefix=prefix,
                    secret_hash=hash_token(secret),
                    created_at=now,
                    expires_at=expires_at,
                )
            break
        except IntegrityError:  # the same 8-character prefix as another token: draw again
            continue
    else:  # pragma: no cover - five collisions of 32 random bits in a row
        raise RuntimeError("Could not draw an unused token prefix")
    record(
        actor,
        Change(
            Action.CREATE,
            "api_token",
            token.pk,
            f"API token {token}",
            {
                "owner": [None, user.username],
                "name": [None, name],
                "prefix": [None, prefix],
                "expires_at": [None, expires_at.isoformat() if expires_at else None],
            },
            summary=f"API token '{name}' created",
        ),
    )
    return IssuedToken(token, secret)


@transaction.atomic
def revoke_token(actor: Actor, token_id: Any) -> ApiToken:
    """Revoke one of the actor's own tokens. It stops working at once and cannot be restored."""
    user = _owner(actor)
    token = own_token(user, token_id)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        when = timezone.localtime(token.revoked_at)
        raise ValidationFailed.single(
            "token", f"'{token.name}' was already revoked on {when.day} {when:%B %Y}"
        )
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        actor,
        Change(
            Action.UPDATE,
            "api_token",
            token.pk,
            f"API token {token}",
            {"revoked_at": [None, token.revoked_at.isoformat()]},
            summary=f"API token '{token.name}' revoked",
        ),
    )
    return token
