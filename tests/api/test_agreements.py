"""Agreements through the API: terms, completeness, history, approvals; every write audited."""

from __future__ import annotations

from collections.abc import Callable

from carepool.agreements.models import Agreement
from carepool.audit.models import AuditEvent
from tests.api.helpers import ApiClient, state
from tests.factories import World, agreement_data, standing_approvals

SignIn = Callable[..., ApiClient]

RISK_SHARE = [
    {"kind": "proportional", "applies_to": "both", "basis": "contributions"},
]


def test_agreement_detail_has_every_term(api_as: SignIn, world: World) -> None:
    body = api_as(world.viewer).get(f"/agreements/{world.agreement.pk}").json()
    assert body["title"] == "Leeds Better Care Fund pooled budget"
    assert body["area"] == {"code": "E08000035", "name": "Leeds"}
    assert body["arrangement_type"] == "pooled_fund"
    assert body["arrangement_type_label"] == "Pooled fund"
    assert [p["code"] for p in body["partners"]] == ["E08000035", "LEEDS-VCS", "QWO"]  # by name
    assert body["host"]["code"] == "E08000035"
    assert [a["code"] for a in body["auditors"]] == ["AUDIT-ONE"]
    assert (body["start_date"], body["end_date"], body["break_clause_date"]) == (
        "2024-04-01",
        "2027-03-31",
        "2025-03-31",
    )
    assert body["outcomes"] == ["Fewer emergency admissions of people aged 65+"]
    assert body["risk_share"] == []
    assert body["reporting_frequency"] is None
    assert body["approvals"] == []
    assert body["contribution_years"] == ["2024-25"]
    assert body["completeness"]["complete"] is False
    missing = {m["key"] for m in body["completeness"]["missing"]}
    assert {"risk_share", "exit", "contributions"} <= missing  # LEEDS-VCS has put nothing in


def test_agreement_list_gives_each_summary_with_its_break_clause(
    api_as: SignIn, world: World
) -> None:
    listed = api_as(world.viewer).get("/agreements").json()["items"]
    assert [a["id"] for a in listed] == [world.agreement.pk]
    assert listed[0]["break_clause_date"] == "2025-03-31"
    assert listed[0]["arrangement_type_label"] == "Pooled fund"


def test_completeness_lists_every_item(api_as: SignIn, world: World) -> None:
    body = api_as(world.auditor).get(f"/agreements/{world.agreement.pk}/completeness").json()
    assert body["complete"] is False
    items = {i["key"]: i for i in body["items"]}
    assert items["aims"]["status"] == "present"
    assert items["risk_share"]["status"] == "missing"
    assert items["risk_share"]["label"] == "Risk share for overspends and underspends"
    assert items["risk_share"]["why"]
    assert {i["status"] for i in body["items"]} <= {"present", "missing", "not_applicable"}
    assert [m["key"] for m in body["missing"]] == [
        i["key"] for i in body["items"] if i["status"] == "missing"
    ]


def test_creating_an_agreement_is_audited_as_api(api_as: SignIn, world: World) -> None:
    response = api_as(world.finance).post(
        "/agreements",
        agreement_data(
            title="Leeds intermediate care pool",
            partners="E08000035, QWO",
            auditors=[],
            break_clause_date=None,
            risk_share=RISK_SHARE,
            reporting_frequency="monthly",
        ),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Leeds intermediate care pool"
    assert [p["code"] for p in body["partners"]] == ["E08000035", "QWO"]
    assert body["risk_share"] == RISK_SHARE
    assert body["reporting_frequency"] == "monthly"
    event = AuditEvent.objects.get(object_type="agreement", object_id=str(body["id"]))
    assert (event.action, event.interface, event.actor_name) == ("create", "api", "Finance")
    assert event.actor_organisation == "Leeds City Council"


def test_changing_an_agreement_keeps_other_terms_and_records_what_changed(
    api_as: SignIn, world: World
) -> None:
    pk = world.agreement.pk
    response = api_as(world.finance).patch(
        f"/agreements/{pk}",
        {
            "exit_terms": "Money left is returned pro rata",
            "break_clause_date": None,
            "risk_share": RISK_SHARE,
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["exit_terms"] == "Money left is returned pro rata"
    assert body["break_clause_date"] is None
    assert body["aims"] == "Keep people well at home and out of hospital"
    agreement = Agreement.objects.get(pk=pk)
    assert agreement.break_clause_date is None

    history = api_as(world.auditor).get(f"/agreements/{pk}/history").json()["items"]
    latest = history[0]
    assert (latest["action"], latest["interface"], latest["actor"]) == ("update", "api", "Finance")
    assert latest["organisation"] == "Leeds City Council"
    assert latest["object_type"] == "agreement" and latest["object_id"] == str(pk)
    assert latest["object"] == world.agreement.title
    assert latest["changes"]["break_clause_date"] == ["2025-03-31", None]
    assert latest["changes"]["exit_terms"] == ["", "Money left is returned pro rata"]
    assert set(latest) == {
        "id",
        "at",
        "actor",
        "organisation",
        "interface",
        "action",
        "object_type",
        "object_id",
        "object",
        "summary",
        "changes",
    }


def test_an_edit_that_changes_nothing_records_nothing(api_as: SignIn, world: World) -> None:
    events = AuditEvent.objects.count()
    response = api_as(world.finance).patch(
        f"/agreements/{world.agreement.pk}", {"title": world.agreement.title}
    )
    assert response.status_code == 200
    assert AuditEvent.objects.count() == events


def test_deleting_an_agreement_without_contributions(api_as: SignIn, world: World) -> None:
    api = api_as(world.finance)
    created = api.post("/agreements", agreement_data(title="Short-lived", auditors=[])).json()
    response = api.delete(f"/agreements/{created['id']}")
    assert response.status_code == 204
    assert not Agreement.objects.filter(pk=created["id"]).exists()
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert (event.action, event.interface, event.object_repr) == ("delete", "api", "Short-lived")


def test_signatories_approve_and_an_edit_withdraws_approvals(api_as: SignIn, world: World) -> None:
    pk = world.agreement.pk
    shown = api_as(world.signatory).get(f"/agreements/{pk}")
    version, content_hash = shown.json()["version"], shown.json()["content_hash"]
    response = api_as(world.signatory).approve(pk)
    assert response.status_code == 201, response.content
    assert response.json()["organisation"]["code"] == "E08000035"
    assert response.json()["approved_by"] == "Signatory"
    assert (response.json()["version"], response.json()["content_hash"]) == (
        version,
        content_hash,
    )

    again = api_as(world.signatory).approve(pk)
    assert again.status_code == 422
    assert again.json()["errors"][0] == {
        "field": "version",
        "message": f"Leeds City Council has already approved version {version}",
    }

    api_as(world.icb_signatory).approve(pk)
    detail = api_as(world.viewer).get(f"/agreements/{pk}").json()
    assert [a["organisation"]["code"] for a in detail["approvals"]] == ["E08000035", "QWO"]
    assert {(a["version"], a["content_hash"]) for a in detail["approvals"]} == {
        (version, content_hash)
    }

    api_as(world.finance).patch(f"/agreements/{pk}", {"aims": "Keep people at home"})
    assert standing_approvals(pk) == 0
    after = api_as(world.viewer).get(f"/agreements/{pk}").json()
    assert after["approvals"] == [] and after["content_hash"] != content_hash
    actions = [
        e["action"] for e in api_as(world.viewer).get(f"/agreements/{pk}/history").json()["items"]
    ]
    assert actions[:3] == ["withdraw_approval", "withdraw_approval", "update"]
    assert AuditEvent.objects.filter(action="approve", interface="api").count() == 2


def test_an_approval_needs_if_match_and_refuses_a_superseded_version(
    api_as: SignIn, world: World
) -> None:
    pk = world.agreement.pk
    before = state(world)
    blind = api_as(world.signatory).post(f"/agreements/{pk}/approvals")
    assert blind.status_code == 422
    assert blind.json()["errors"][0]["field"] == "version"
    assert "Say which version of the agreement you read" in blind.json()["errors"][0]["message"]
    assert state(world) == before
    read = api_as(world.signatory).get(f"/agreements/{pk}").json()["version"]
    api_as(world.finance).patch(f"/agreements/{pk}", {"aims": "Changed meanwhile"})
    before = state(world)
    stale = api_as(world.signatory).approve(pk, read)
    assert stale.status_code == 422
    assert stale.json()["errors"][0]["message"] == (
        f"Version {read} of the agreement has been superseded by version {read + 1}; "
        f"read version {read + 1} and approve that"
    )
    assert state(world) == before
