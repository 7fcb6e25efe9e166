"""Personal API tokens: made and revoked by their owner, stored hashed, audited without the secret."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from carepool.accounts import tokens
from carepool.accounts.models import ApiToken
from carepool.accounts.permissions import NotFound
from carepool.audit.models import Action, AuditEvent, Interface
from carepool.audit.services import Actor
from carepool.core.errors import ValidationFailed
from tests.factories import World


def web(user) -> Actor:
    return Actor(user, Interface.WEB)


def errors(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, list[str]]:
    return exc.value.as_dict()


def test_a_new_token_is_shown_once_and_stored_only_as_a_hash(world: World) -> None:
    issued = tokens.create_token(web(world.finance), {"name": "Monthly returns script"})

    secret = issued.secret
    assert tokens.TOKEN_FORMAT.match(secret)
    assert secret.startswith(f"cp_{issued.token.prefix}_")
    stored = ApiToken.objects.filter(pk=issued.token.pk).values().get()
    assert stored["secret_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    random_part = secret.split("_", 2)[2][-20:]  # the random part may hold "_" itself
    assert not any(random_part in str(value) for value in stored.values())
    assert stored["user_id"] == world.finance.pk
    assert stored["name"] == "Monthly returns script"


def test_tokens_expire_after_90_days_unless_told_otherwise(world: World) -> None:
    now = timezone.now()
    default = tokens.create_token(web(world.finance), {"name": "a"}).token
    assert now + timedelta(days=90) <= default.expires_at <= timezone.now() + timedelta(days=90)
    week = tokens.create_token(web(world.finance), {"name": "b", "expires_in_days": "7"}).token
    assert week.expires_at.date() == (week.created_at + timedelta(days=7)).date()
    never = tokens.create_token(web(world.finance), {"name": "c", "expires_in_days": "never"})
    assert never.token.expires_at is None


@pytest.mark.parametrize("days", ["0", "367", "-1", "ninety", "1.5", True])
def test_expiry_must_be_1_to_366_days_or_never(world: World, days: object) -> None:
    with pytest.raises(ValidationFailed) as exc:
        tokens.create_token(web(world.finance), {"name": "a", "expires_in_days": days})
    assert errors(exc) == {
        "expires_in_days": ["must be a whole number of days from 1 to 366, or 'never'"]
    }
    assert ApiToken.objects.count() == 0


def test_a_token_needs_a_name_not_already_in_use(world: World) -> None:
    with pytest.raises(ValidationFailed) as exc:
        tokens.create_token(web(world.finance), {"name": "  ", "expires_in_days": "0"})
    assert set(errors(exc)) == {"name", "expires_in_days"}  # every problem at once

    first = tokens.create_token(web(world.finance), {"name": "Returns"})
    with pytest.raises(ValidationFailed) as exc:
        tokens.create_token(web(world.finance), {"name": "returns"})
    assert errors(exc) == {"name": ["You already have a token called 'returns'"]}
    tokens.create_token(web(world.viewer), {"name": "Returns"})  # someone else's name is fine
    tokens.revoke_token(web(world.finance), first.token.pk)
    tokens.create_token(web(world.finance), {"name": "Returns"})  # the old one is revoked


def test_the_system_has_no_tokens(world: World) -> None:
    with pytest.raises(ValidationFailed) as exc:
        tokens.create_token(Actor.system(), {"name": "x"})
    assert list(errors(exc)) == ["user"]


def test_creating_and_revoking_are_audited_without_the_secret(world: World) -> None:
    issued = tokens.create_token(Actor(world.finance, Interface.CLI), {"name": "Returns"})
    tokens.revoke_token(web(world.finance), issued.token.pk)

    created, revoked = AuditEvent.objects.filter(object_type="api_token").order_by("id")
    assert (created.action, created.interface, created.actor_name) == (
        Action.CREATE,
        Interface.CLI,
        "Finance",
    )
    assert created.changes["prefix"] == [None, issued.token.prefix]
    assert created.changes["name"] == [None, "Returns"]
    assert created.changes["owner"] == [None, "finance"]
    assert (revoked.action, revoked.summary) == (Action.UPDATE, "API token 'Returns' revoked")
    assert list(revoked.changes) == ["revoked_at"]
    trail = json.dumps(
        list(AuditEvent.objects.values("changes", "summary", "object_repr")), default=str
    )
    assert issued.secret not in trail
    # cp_<prefix>_<random part>; the random part may itself contain "_".
    assert issued.secret.split("_", 2)[2] not in trail
    assert issued.token.secret_hash not in trail


def test_only_the_owner_can_revoke_a_token(world: World) -> None:
    issued = tokens.create_token(web(world.finance), {"name": "Returns"})
    events = AuditEvent.objects.count()
    for other in (world.signatory, world.outsider, world.assurer):
        with pytest.raises(NotFound):
            tokens.revoke_token(web(other), issued.token.pk)
    with pytest.raises(NotFound):
        tokens.revoke_token(web(world.finance), "not-a-number")
    issued.token.refresh_from_db()
    assert issued.token.revoked_at is None
    assert AuditEvent.objects.count() == events


def test_a_token_is_revoked_once(world: World) -> None:
    issued = tokens.create_token(web(world.finance), {"name": "Returns"})
    tokens.revoke_token(web(world.finance), issued.token.pk)
    with pytest.raises(ValidationFailed, match="'Returns' was already revoked on"):
        tokens.revoke_token(web(world.finance), issued.token.pk)


def test_a_usable_token_signs_in_as_its_owner(world: World) -> None:
    issued = tokens.create_token(web(world.finance), {"name": "Returns"})
    assert tokens.user_for_token(issued.secret) == world.finance


def test_refused_tokens(world: World) -> None:
    def issue(name: str) -> tokens.IssuedToken:
        return tokens.create_token(web(world.finance), {"name": name})

    revoked, expired, inactive = issue("revoked"), issue("expired"), issue("inactive")
    tokens.revoke_token(web(world.finance), revoked.token.pk)
    ApiToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now())
    assert tokens.user_for_token(revoked.secret) is None
    assert tokens.user_for_token(expired.secret) is None

    unknown = "cp_0123abcd_" + "A" * 43
    assert tokens.user_for_token(unknown) is None
    for malformed in ("", "cp_", inactive.secret + "x", inactive.secret[:-1], "Bearer x"):
        assert tokens.user_for_token(malformed) is None, malformed

    assert tokens.user_for_token(inactive.secret) == world.finance
    world.finance.is_active = False
    world.finance.save()
    assert tokens.user_for_token(inactive.secret) is None


def test_last_used_is_written_at_most_once_a_minute(world: World) -> None:
    issued = tokens.create_token(web(world.finance), {"name": "Returns"})

    def last_used():
        return ApiToken.objects.get(pk=issued.token.pk).last_used_at

    assert last_used() is None
    tokens.user_for_token(issued.secret)
    first = last_used()
    assert first is not None
    tokens.user_for_token(issued.secret)
    assert last_used() == first  # a second call within the minute writes nothing

    earlier = first - timedelta(seconds=61)
    ApiToken.objects.filter(pk=issued.token.pk).update(last_used_at=earlier)
    tokens.user_for_token(issued.secret)
    assert last_used() > earlier


def test_a_user_lists_only_their_own_tokens(world: World) -> None:
    mine = tokens.create_token(web(world.finance), {"name": "Mine"}).token
    tokens.create_token(web(world.viewer), {"name": "Theirs"})
    assert list(tokens.tokens_of(world.finance)) == [mine]
