"""The audit hash chain: canonical form, hashing, and finding every kind of tampering."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from carepool.core.audit_chain import (
    GENESIS,
    START,
    EventContent,
    Link,
    NotCanonical,
    ProblemKind,
    StoredEvent,
    append,
    canonical,
    canonical_value,
    event_hash,
    extend,
    verify,
)

AT = datetime(2026, 12, 3, 9, 30, 0, 123456, tzinfo=UTC)


def content(n: int = 1, **overrides: object) -> EventContent:
    values: dict[str, object] = {
        "at": AT + timedelta(seconds=n),
        "actor_id": 7,
        "actor_name": "Sam Signatory",
        "actor_organisation": "Leeds City Council",
        "interface": "web",
        "action": "approve",
        "object_type": "agreement",
        "object_id": str(n),
        "object_repr": f"Leeds Better Care Fund {n}",
        "agreement_id": n,
        "changes": {"approved_by": [None, "Sam Signatory"]},
        "summary": "",
    }
    values.update(overrides)
    return EventContent(**values)  # type: ignore[arg-type]


def chain(count: int) -> list[StoredEvent]:
    contents = [content(n) for n in range(1, count + 1)]
    links = extend(START, contents)
    return [
        StoredEvent(100 + i, link, c)
        for i, (link, c) in enumerate(zip(links, contents, strict=True))
    ]


def kinds(events: list[StoredEvent], expected_head: str | None = None) -> list[tuple[str, int]]:
    return [(p.kind.value, p.sequence) for p in verify(events, expected_head).problems]


def rewritten(
    event: StoredEvent, previous_hash: str | None = None, **changes: object
) -> StoredEvent:
    """The event with new content and a hash recomputed to match, as a careful forger would."""
    new_content = dataclasses.replace(event.content, **changes)
    previous = event.link.previous_hash if previous_hash is None else previous_hash
    link = Link(
        event.link.sequence, previous, event_hash(event.link.sequence, previous, new_content)
    )
    return StoredEvent(event.id, link, new_content)


class TestCanonicalForm:
    def test_the_format_is_pinned(self):
        # Every stored hash depends on these exact bytes: changing them needs a new FORMAT.
        text = canonical(1, GENESIS, content(changes={"b": [1, "£2"], "a": None}))
        assert (
            text
            == (
                '{"action":"approve","actor_id":7,"actor_name":"Sam Signatory",'
                '"actor_organisation":"Leeds City Council","agreement_id":1,'
                '"at":"2026-12-03T09:30:01.123456Z","changes":{"a":null,"b":[1,"£2"]},"format":1,'
                '"interface":"web","object_id":"1","object_repr":"Leeds Better Care Fund 1",'
                '"object_type":"agreement","previous_hash":"' + GENESIS + '","sequence":1,'
                '"summary":""}'
            ).encode()
        )
        assert event_hash(1, GENESIS, content(changes={"b": [1, "£2"], "a": None})) == (
            hashlib.sha256(text).hexdigest()
        )

    def test_time_is_written_in_utc(self):
        london_winter = timezone(timedelta(hours=1))
        same_moment = content(at=AT.astimezone(london_winter))
        assert canonical(1, GENESIS, same_moment) == canonical(1, GENESIS, content(at=AT))
        assert b'"at":"2026-12-03T09:30:00.123456Z"' in canonical(1, GENESIS, content(at=AT))

    def test_a_time_without_zone_is_refused(self):
        with pytest.raises(NotCanonical, match="time zone"):
            canonical(1, GENESIS, content(at=datetime(2026, 12, 3, 9, 30)))

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"amount": [1.5, 2]}, r"changes\.amount\[0\] holds the float 1\.5"),
            ({"x": {1: "a"}}, r"changes\.x has the key 1, which is not text"),
            ({"when": [AT, None]}, r"changes\.when\[0\] holds a datetime"),
        ],
    )
    def test_values_without_one_canonical_form_are_refused(self, changes, message):
        with pytest.raises(NotCanonical, match=message):
            canonical(1, GENESIS, content(changes=changes))

    def test_members_are_ordered_by_utf16_code_units(self):
        # RFC 8785: U+1F600 (a surrogate pair, D83D DE00) sorts before U+FB01 in UTF-16,
        # after it by code point.
        assert list(canonical_value({"\ufb01": 1, "\U0001f600": 2})) == ["\U0001f600", "\ufb01"]

    def test_tuples_read_as_lists(self):
        assert canonical_value({"a": (1, 2)}) == {"a": [1, 2]}
        assert canonical(1, GENESIS, content(changes={"a": (1, 2)})) == canonical(
            1, GENESIS, content(changes={"a": [1, 2]})
        )

    def test_text_that_is_not_unicode_is_refused(self):
        with pytest.raises(NotCanonical, match="not valid Unicode"):
            canonical(1, GENESIS, content(summary="\ud800"))

    @given(
        st.dictionaries(
            st.text(alphabet=st.sampled_from("a\u00e9\ufb01\U0001f600"), max_size=3),
            st.recursive(
                st.none() | st.integers() | st.text(max_size=3),
                lambda inner: (
                    st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(max_size=3), inner, max_size=3)
                ),
                max_leaves=6,
            ),
            max_size=4,
        )
    )
    def test_the_fast_path_writes_what_the_canonical_rebuild_writes(self, changes):
        document = json.loads(canonical(1, GENESIS, content(changes=changes)))
        document["changes"] = canonical_value(changes)
        reference = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        # json.loads keeps member order, so this also compares the order of every member.
        assert canonical(1, GENESIS, content(changes=changes)).decode() == _reordered(reference)


short_text = st.text(max_size=12)


def _reordered(text: str) -> str:
    """The top-level members in JCS order (the document's own keys are plain ASCII)."""
    document = json.loads(text)
    return json.dumps(
        {key: document[key] for key in sorted(document)},
        ensure_ascii=False,
        separators=(",", ":"),
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | short_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(short_text, inner, max_size=3),
    max_leaves=8,
)
contents = st.builds(
    EventContent,
    at=st.datetimes(timezones=st.just(UTC)),
    actor_id=st.none() | st.integers(min_value=1),
    actor_name=short_text,
    actor_organisation=short_text,
    interface=short_text,
    action=short_text,
    object_type=short_text,
    object_id=short_text,
    object_repr=short_text,
    agreement_id=st.none() | st.integers(),
    changes=st.dictionaries(short_text, json_values, max_size=4),
    summary=short_text,
)
FIELDS = [f.name for f in dataclasses.fields(EventContent)]


class TestHashProperties:
    @given(contents, st.sampled_from(FIELDS), st.data())
    def test_changing_any_field_changes_the_hash(self, original, name, data):
        strategy = contents.map(lambda c: getattr(c, name))
        new_value = data.draw(strategy)
        assume(new_value != getattr(original, name))
        changed = dataclasses.replace(original, **{name: new_value})
        assert event_hash(5, GENESIS, changed) != event_hash(5, GENESIS, original)

    @given(contents, st.integers(min_value=1), st.integers(min_value=1))
    def test_the_number_is_covered(self, event, a, b):
        assume(a != b)
        assert event_hash(a, GENESIS, event) != event_hash(b, GENESIS, event)

    @given(contents, st.text("0123456789abcdef", min_size=64, max_size=64))
    def test_the_previous_hash_is_covered(self, event, previous):
        assume(previous != GENESIS)
        assert event_hash(1, previous, event) != event_hash(1, GENESIS, event)

    @given(contents, contents)
    def test_order_matters(self, first, second):
        assume(first != second)
        assert extend(START, [first, second])[-1] != extend(START, [second, first])[-1]

    @given(st.lists(contents, max_size=6))
    def test_a_chain_built_by_extend_verifies(self, events):
        links = extend(START, events)
        stored = [
            StoredEvent(i, link, c) for i, (link, c) in enumerate(zip(links, events, strict=True))
        ]
        result = verify(stored, expected_head=links[-1].hash if links else None)
        assert result.intact
        assert result.checked == len(events)
        assert result.head == (links[-1] if links else START)


class TestFindingTampering:
    def test_an_intact_chain_has_no_problems(self):
        events = chain(5)
        result = verify(events, expected_head=events[-1].link.hash)
        assert result.intact
        assert (result.checked, result.head.sequence) == (5, 5)
        assert [e.link.sequence for e in events] == [1, 2, 3, 4, 5]
        assert events[0].link.previous_hash == GENESIS
        assert append(events[3].link, events[4].content) == events[4].link

    def test_altered_content(self):
        events = chain(5)
        events[2] = dataclasses.replace(
            events[2], content=dataclasses.replace(events[2].content, actor_name="Someone Else")
        )
        assert kinds(events) == [("altered", 3)]

    def test_a_deleted_event(self):
        events = chain(5)
        del events[2]
        assert kinds(events) == [("missing", 3)]

    def test_several_deleted_events_are_one_run(self):
        events = chain(6)
        del events[1:4]
        [problem] = verify(events).problems
        assert (problem.kind, problem.sequence, problem.last_sequence) == (
            ProblemKind.MISSING,
            2,
            4,
        )

    def test_the_first_event_deleted(self):
        events = chain(3)
        del events[0]
        assert kinds(events) == [("missing", 1)]

    def test_an_event_rewritten_with_its_hash_recomputed_breaks_the_next_link(self):
        events = chain(5)
        events[2] = rewritten(events[2], summary="Forged")
        assert kinds(events) == [("broken_link", 4)]

    def test_a_forged_first_event(self):
        events = chain(3)
        events[0] = rewritten(events[0], previous_hash="f" * 64)
        assert kinds(events) == [("broken_link", 1), ("broken_link", 2)]

    def test_a_consistent_rewrite_of_the_tail_needs_the_recorded_head(self):
        events = chain(5)
        recorded_head = events[-1].link.hash
        events[3] = rewritten(events[3], summary="Forged")
        events[4] = rewritten(events[4], previous_hash=events[3].link.hash)
        assert kinds(events) == []  # what a hash chain alone cannot see
        assert kinds(events, expected_head=recorded_head) == [("head_not_found", 5)]

    def test_a_truncated_tail_needs_the_recorded_head(self):
        events = chain(5)
        recorded_head = events[-1].link.hash
        del events[3:]
        assert kinds(events) == []
        assert kinds(events, expected_head=recorded_head) == [("head_not_found", 3)]

    def test_an_earlier_head_is_still_found_after_more_events(self):
        events = chain(5)
        assert kinds(events, expected_head=events[2].link.hash) == []

    def test_an_inserted_duplicate_is_told_apart_by_the_next_link(self):
        events = chain(5)
        forged = rewritten(
            StoredEvent(999, events[2].link, events[2].content), summary="Forged approval"
        )
        result = verify([*events[:3], forged, *events[3:]])
        [problem] = result.problems
        assert (problem.kind, problem.sequence, problem.event) == (
            ProblemKind.INSERTED,
            3,
            forged,
        )
        assert problem.others == (events[2],)

    def test_duplicates_at_the_head_are_all_suspect(self):
        events = chain(3)
        forged = rewritten(StoredEvent(999, events[2].link, events[2].content), summary="x")
        assert kinds([*events, forged]) == [("duplicate", 3), ("duplicate", 3)]

    def test_an_event_numbered_outside_the_chain(self):
        events = chain(3)
        forged = StoredEvent(999, Link(0, GENESIS, "0" * 64), events[0].content)
        assert kinds([forged, *events]) == [("altered", 0), ("inserted", 0)]

    def test_unreadable_or_uncanonical_content_reads_as_altered(self):
        events = chain(3)
        events[0] = StoredEvent(events[0].id, events[0].link, None)
        events[1] = dataclasses.replace(
            events[1], content=dataclasses.replace(events[1].content, changes={"x": 0.5})
        )
        assert kinds(events) == [("altered", 1), ("altered", 2)]

    def test_every_problem_is_reported(self):
        events = chain(10)
        events[1] = dataclasses.replace(
            events[1], content=dataclasses.replace(events[1].content, summary="x")
        )
        events[6] = rewritten(events[6], summary="y")
        del events[4]
        assert kinds(events) == [("altered", 2), ("missing", 5), ("broken_link", 8)]

    @given(st.integers(min_value=3, max_value=12), st.data())
    def test_any_single_deletion_or_alteration_is_found(self, count, data):
        events = chain(count)
        position = data.draw(st.integers(min_value=0, max_value=count - 2))  # not the head
        if data.draw(st.booleans()):
            del events[position]
            expected = ("missing", position + 1)
        else:
            field_name = data.draw(st.sampled_from(FIELDS))
            original = events[position].content
            value = data.draw(contents.map(lambda c: getattr(c, field_name)))
            assume(value != getattr(original, field_name))
            events[position] = dataclasses.replace(
                events[position], content=dataclasses.replace(original, **{field_name: value})
            )
            expected = ("altered", position + 1)
        assert kinds(events) == [expected]
