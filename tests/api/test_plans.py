"""Yearly plans over HTTP: the whole journey as its users make it, and each bad input refused
with its status, the field and a plain-English message, changing nothing.

The services' rules are proven in tests/plans; these tests prove the API's part: what it reads
from the body (nested schemes as plain values, JSON numbers exactly), and how each refusal maps
to a status.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from carepool.audit.models import AuditEvent
from carepool.plans import services
from carepool.plans.models import Plan, PlanVersion
from carepool.signoff.models import SignOff
from tests.api.helpers import ApiClient
from tests.factories import World
from tests.plans.conftest import DECLARATIONS_2024, PlanWorld, balanced_schemes, scheme

SignIn = Callable[..., ApiClient]
pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(world: World) -> PlanWorld:
    return PlanWorld(world)


def snapshot() -> dict[str, Any]:
    """Everything a refused request must leave as it was."""
    return {
        "plans": list(Plan.objects.order_by("pk").values_list("pk", "version")),
        "versions": list(
            PlanVersion.objects.order_by("plan_id", "number").values_list(
                "plan_id", "number", "content", "content_hash", "frozen", "submitted_at"
            )
        ),
        "sign_offs": list(
            SignOff.objects.order_by("pk").values_list("pk", "version", "withdrawn_at")
        ),
        "last_event": AuditEvent.objects.order_by("-id").values_list("id", flat=True).first(),
    }


def put(api: ApiClient, path: str, body: Any, if_match: Any = None) -> Any:
    headers = dict(api.headers)
    if if_match is not None:
        headers["If-Match"] = f'"{if_match}"'
    return api.client.put(f"/api/v1{path}", body, content_type="application/json", headers=headers)


def test_the_whole_journey_from_schemes_to_national_assurance(
    api_as: SignIn, plans: PlanWorld
) -> None:
    world = plans.world
    schemes = balanced_schemes()
    # JSON numbers, as a script would send them: read exactly, never through a float.
    schemes[0]["funding"] = [{"stream": "nhs_minimum", "amount": 60000000.00}]
    schemes[1]["funding"] = [{"stream": "ibcf", "amount": 35000000.01}]
    schemes[1]["commissioners"] = [
        {"organisation": "E08000035", "percent": 62.5},
        {"organisation": "QWO", "percent": "37.5"},
    ]
    api = api_as(world.finance)

    started = api.post(
        "/plans", {"agreement_id": world.agreement.pk, "year": "2024-25", "schemes": schemes}
    )

    assert started.status_code == 201, started.content
    plan = started.json()
    pid = plan["id"]
    assert (plan["current_version"], plan["state"]) == (1, "draft")
    assert [f["amount_pence"] for s in plan["content"]["schemes"] for f in s["funding"]] == [
        6_000_000_000,
        3_500_000_001,
    ]
    assert plan["content"]["schemes"][1]["commissioners"] == [
        {"organisation": "E08000035", "percent": "62.5"},
        {"organisation": "QWO", "percent": "37.5"},
    ]

    checked = api.get(f"/plans/{pid}/checklist").json()["checklist"]
    verdicts = {i["requirement_id"]: i["verdict"] for i in checked["items"]}
    assert {verdicts[d] for d, _, _ in DECLARATIONS_2024} == {"fail"}  # not yet answered
    assert checked["ready_for_sign_off"] is False

    etag = started["ETag"].strip('"')
    for requirement, answer, comment in DECLARATIONS_2024:
        declared = api.client.post(
            f"/api/v1/plans/{pid}/declarations",
            {"id": requirement, "answer": "yes" if answer else "no", "comment": comment},
            content_type="application/json",
            headers={"If-Match": f'"{etag}"'},
        )
        assert declared.status_code == 200, declared.content
        etag = declared["ETag"].strip('"')
    assert api.get(f"/plans/{pid}/checklist").json()["checklist"]["ready_for_sign_off"]

    submitted = api.post(f"/plans/{pid}/submit")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["state"] == "awaiting_sign_off"
    content_hash = submitted.json()["content_hash"]

    for person in plans.signatories():
        signed = api_as(person).post(
            f"/plans/{pid}/sign-offs", {"version": 1, "content_hash": content_hash}
        )
        assert signed.status_code == 201, signed.content
        assert (signed.json()["stage"], signed.json()["organisation"]["code"]) == (
            "partner",
            person.organisation.code,
        )
    board = api_as(plans.board).post(f"/plans/{pid}/sign-offs", {"stage": "board", "version": 1})
    assert board.status_code == 201, board.content
    assert api_as(world.finance).get(f"/plans/{pid}").json()["state"] == "agreed"
    national = api_as(world.assurer).post(
        f"/plans/{pid}/sign-offs",
        {
            "stage": "national",
            "version": "1",
            "outcome": "approved_with_conditions",
            "reasons": "Quarterly reports on discharge spend",
        },
    )
    assert national.status_code == 201, national.content
    assert national.json()["outcome_label"] == "Approved with conditions"

    detail = api_as(world.viewer).get(f"/plans/{pid}").json()
    assert detail["state"] == "assured"
    assert {s["content_hash"] for s in detail["sign_offs"]} == {content_hash}
    assert len(detail["sign_offs"]) == 5
    listed = api_as(world.assurer).get("/plans/national", year="2024-25").json()
    rows = {r["area"]["code"]: r for r in listed["items"]}
    assert (rows["E08000035"]["state"], rows["E08000035"]["outcome"]) == (
        "assured",
        "Approved with conditions",
    )
    assert rows["E10000016"]["state"] == "none"
    assert AuditEvent.objects.filter(interface="api", object_type="sign_off").count() == 5


def _situation(plans: PlanWorld, name: str) -> Plan:
    """A plan in the named state: draft (ready), submitted, or superseded (version 1 signed
    by the ICB, then changed into version 2)."""
    plan = plans.ready()
    finance = plans.actor(plans.world.finance)
    if name in ("submitted", "superseded"):
        services.submit(finance, plan.pk)
    if name == "superseded":
        services.sign_plan(plans.actor(plans.world.icb_signatory), plan.pk, "partner", 1)
        services.put_scheme(finance, plan.pk, scheme("S01", name="Home care (revised)"))
        services.submit(finance, plan.pk)
    plan.refresh_from_db()
    return plan


SCHEME_PATH = "/plans/{pid}/schemes/S03"
SIGN_PATH = "/plans/{pid}/sign-offs"
STREAMS = (
    "Minimum NHS (CCG/ICB) contribution; Improved Better Care Fund grant; Disabled Facilities "
    "Grant; Adult Social Care Discharge Fund (local authority); Adult Social Care Discharge "
    "Fund (ICB); Additional local authority contribution; Additional NHS contribution; Other "
    "partner contribution"
)

# (id, situation, who, method, path, body, status, field, message: exact, or "prefix...")
BAD_INPUT: list[tuple[str, str, str, str, str, Any, int, str | None, str]] = [
    (
        "scheme type not in the year's taxonomy",
        "draft",
        "finance",
        "put",
        SCHEME_PATH,
        scheme("S03", scheme_type="space_travel"),
        422,
        "scheme_type",
        "'space_travel' is not a scheme type in 2024-25; choose one of: Assistive "
        "technologies and equipment; Care Act duties; ...",
    ),
    (
        "commissioner shares not summing to 100",
        "draft",
        "finance",
        "put",
        SCHEME_PATH,
        scheme(
            "S03",
            commissioners=[
                {"organisation": "E08000035", "percent": 60},
                {"organisation": "QWO", "percent": "30"},
            ],
        ),
        422,
        "commissioners",
        "the commissioners' shares sum to 90%; they must sum to exactly 100%",
    ),
    (
        "funding from a stream the year does not have",
        "draft",
        "finance",
        "put",
        SCHEME_PATH,
        scheme("S03", funding=[{"stream": "labcg", "amount": "10.00"}]),
        422,
        "funding[1].stream",
        f"'labcg' is not a funding stream in 2024-25; choose one of: {STREAMS}",
    ),
    (
        "a negative amount",
        "draft",
        "finance",
        "put",
        SCHEME_PATH,
        scheme("S03", funding=[{"stream": "ibcf", "amount": -5}]),
        422,
        "funding[1].amount",
        "cannot be negative",
    ),
    (
        "a non-numeric amount",
        "draft",
        "finance",
        "put",
        SCHEME_PATH,
        scheme("S03", funding=[{"stream": "ibcf", "amount": "lots"}]),
        422,
        "funding[1].amount",
        "'lots' is not an amount of money; enter pounds and pence, like 1250000.00",
    ),
    (
        "a JSON number with a fraction of a penny",
        "draft",
        "finance",
        "put",
        SCHEME_PATH,
        scheme("S03", funding=[{"stream": "ibcf", "amount": 12.345}]),
        422,
        "funding[1].amount",
        "'12.345' has more than two decimal places (a fraction of a penny); enter pounds and "
        "pence, like 1250000.00",
    ),
    (
        "a share that is not a number",
        "draft",
        "finance",
        "put",
        SCHEME_PATH,
        scheme("S03", commissioners=[{"organisation": "QWO", "percent": "half"}]),
        422,
        "commissioners[1].percent",
        "'half' is not a number; write it like 60 or 33.5",
    ),
    (
        "approval by a finance officer",
        "submitted",
        "finance",
        "post",
        SIGN_PATH,
        {"version": 1},
        403,
        None,
        "You need the signatory role to approve as a partner",
    ),
    (
        "approval by a partner's viewer",
        "submitted",
        "viewer",
        "post",
        SIGN_PATH,
        {"version": 1},
        403,
        None,
        "You need the signatory role to approve as a partner",
    ),
    (
        "approval by another area's signatory",
        "submitted",
        "outsider",
        "post",
        SIGN_PATH,
        {"version": 1},
        404,
        None,
        "Not found",
    ),
    (
        "approval of a superseded version",
        "superseded",
        "icb_signatory",
        "post",
        SIGN_PATH,
        {"version": 1},
        422,
        "version",
        "Version 1 of the 2024-25 plan for Leeds has been superseded by version 2; read version "
        "2 and approve that",
    ),
    (
        "approval of a hash that is not the version's",
        "submitted",
        "signatory",
        "post",
        SIGN_PATH,
        {"version": 1, "content_hash": "0" * 64},
        422,
        "version",
        "The 2024-25 plan for Leeds changed after you read it; read it again and approve what "
        "it says now",
    ),
    (
        "approval at a stage that does not exist",
        "submitted",
        "signatory",
        "post",
        SIGN_PATH,
        {"version": 1, "stage": "council"},
        422,
        "stage",
        "'council' is not a stage of sign-off; give one of: partner for Partner approval, "
        "board for Board approval, national for National assurance",
    ),
    (
        "national outcome that does not exist",
        "submitted",
        "assurer",
        "post",
        SIGN_PATH,
        {"version": 1, "stage": "national", "outcome": "fine"},
        422,
        "outcome",
        "'fine' is not a national assurance outcome; give one of: approved for Approved, "
        "approved_with_conditions for Approved with conditions, not_approved for Not approved",
    ),
    (
        "a version that is not a number",
        "submitted",
        "signatory",
        "post",
        SIGN_PATH,
        {"version": "latest"},
        422,
        "version",
        "'latest' is not a version number, like 3",
    ),
    (
        "a new plan without its agreement",
        "draft",
        "finance",
        "post",
        "/plans",
        {"year": "2025-26", "schemes": []},
        422,
        "agreement_id",
        "Give the id of the pooled fund agreement the plan is under",
    ),
    (
        "a funding line whose amount and amount_pence disagree",
        "draft",
        "finance",
        "put",
        SCHEME_PATH,
        scheme("S03", funding=[{"stream": "ibcf", "amount": "10.00", "amount_pence": 100}]),
        422,
        "funding[1].amount",
        "'10.00' is not the same money as amount_pence 100; send one of them",
    ),
    (
        "a plan nobody has",
        "draft",
        "finance",
        "get",
        "/plans/99999",
        None,
        404,
        None,
        "Not found",
    ),
    (
        "the national list for a finance officer",
        "draft",
        "finance",
        "get",
        "/plans/national?year=2024-25",
        None,
        403,
        None,
        "Only national assurers and auditors see every area's plan",
    ),
]


def _message_matches(message: str, expected: str) -> bool:
    if expected == "...":
        return bool(message)
    if expected.endswith("..."):
        return message.startswith(expected.removesuffix("..."))
    return message == expected


@pytest.mark.parametrize(
    ("situation", "who", "method", "path", "body", "status", "field", "message"),
    [row[1:] for row in BAD_INPUT],
    ids=[row[0] for row in BAD_INPUT],
)
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(
    api_as: SignIn,
    plans: PlanWorld,
    situation: str,
    who: str,
    method: str,
    path: str,
    body: Any,
    status: int,
    field: str | None,
    message: str,
) -> None:
    plan = _situation(plans, situation)
    person = getattr(plans.world, who, None) or getattr(plans, who)
    api = api_as(person)
    url = path.format(pid=plan.pk)
    before = snapshot()

    if method == "put":
        response = put(api, url, body)
    elif method == "get":
        response = api.client.get(f"/api/v1{url}")
    else:
        response = getattr(api, method)(url, body)

    assert response.status_code == status, response.content
    data = response.json()
    if field is None:
        assert _message_matches(data["detail"], message), data
    else:
        errors = {e["field"]: e["message"] for e in data["errors"]}
        assert field in errors, errors
        assert _message_matches(errors[field], message), errors[field]
    assert snapshot() == before


def test_a_new_plan_with_a_bad_scheme_is_refused_whole(api_as: SignIn, plans: PlanWorld) -> None:
    api = api_as(plans.world.finance)
    schemes = [*balanced_schemes(), scheme("S03", scheme_type="space_travel")]
    before = snapshot()

    response = api.post(
        "/plans",
        {"agreement_id": plans.world.agreement.pk, "year": "2024-25", "schemes": schemes},
    )

    assert response.status_code == 422, response.content
    [error] = response.json()["errors"]
    assert error["field"] == "schemes[3] (S03).scheme_type"
    assert error["message"].startswith("'space_travel' is not a scheme type in 2024-25")
    assert snapshot() == before


def test_a_stale_if_match_gets_409_and_changes_nothing(api_as: SignIn, plans: PlanWorld) -> None:
    plan = _situation(plans, "draft")
    api = api_as(plans.world.finance)
    read = plan.version
    assert put(api, f"/plans/{plan.pk}/schemes/S01", scheme("S01", name="A"), read)
    before = snapshot()

    response = put(api, f"/plans/{plan.pk}/schemes/S01", scheme("S01", name="B"), read)

    assert response.status_code == 409, response.content
    assert response.json()["current_version"] == read + 1
    assert response.json()["detail"].startswith("Someone else changed this plan")
    assert snapshot() == before


def test_an_edit_of_an_approved_version_makes_a_new_version_and_leaves_the_old_alone(
    api_as: SignIn, plans: PlanWorld
) -> None:
    plan = _situation(plans, "submitted")
    signed = api_as(plans.world.icb_signatory).post(f"/plans/{plan.pk}/sign-offs", {"version": 1})
    assert signed.status_code == 201, signed.content
    old = PlanVersion.objects.get(plan=plan, number=1)

    response = put(
        api_as(plans.world.finance),
        f"/plans/{plan.pk}/schemes/S01",
        scheme("S01", name="Home care (revised)"),
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["current_version"], data["state"]) == (2, "draft")
    assert data["content"]["schemes"][0]["name"] == "Home care (revised)"
    kept = PlanVersion.objects.get(pk=old.pk)
    assert (kept.content, kept.content_hash, kept.frozen) == (old.content, old.content_hash, True)
    approval = SignOff.objects.get(pk=signed.json()["id"])
    assert approval.withdrawn_at is not None
    assert (approval.version, approval.content_hash) == (1, old.content_hash)
    version_one = api_as(plans.world.viewer).get(f"/plans/{plan.pk}", version=1).json()
    assert version_one["content"]["schemes"][0]["name"] == "Home care to support independence"


def test_the_diff_of_two_versions(api_as: SignIn, plans: PlanWorld) -> None:
    plan = _situation(plans, "superseded")

    response = api_as(plans.world.viewer).get(f"/plans/{plan.pk}/diff", old=1, new=2)

    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["from"], data["to"]) == (1, 2)
    assert [s["scheme_id"] for s in data["changed"]] == ["S01"]


def test_a_scheme_read_from_the_api_can_be_sent_back_as_read(
    api_as: SignIn, plans: PlanWorld
) -> None:
    """The plan's JSON gives each scheme's total and each line's pence as well as pounds;
    sending it back once gave 422 'is not a field you can send here'."""
    plan = _situation(plans, "draft")
    api = api_as(plans.world.finance)
    read = api.get(f"/plans/{plan.pk}").json()["content"]["schemes"][0]
    assert {"total", "amount_pence", "amount"} <= {*read, *read["funding"][0]}

    unchanged = put(api, f"/plans/{plan.pk}/schemes/S01", read)
    changed = put(api, f"/plans/{plan.pk}/schemes/S01", {**read, "name": "Home care, renamed"})

    assert unchanged.status_code == 422, unchanged.content
    assert unchanged.json()["errors"] == [{"field": "schemes", "message": "Nothing changed"}]
    assert changed.status_code == 200, changed.content
    scheme_now = changed.json()["content"]["schemes"][0]
    assert (scheme_now["name"], scheme_now["total"]) == ("Home care, renamed", read["total"])
