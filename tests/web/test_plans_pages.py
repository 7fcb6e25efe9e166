"""The yearly plan pages: what each shows, who may do what, and refusals that change nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from carepool.accounts.models import Role
from carepool.audit.models import AuditEvent, Interface
from carepool.audit.services import Actor
from carepool.plans import selectors, services
from carepool.plans.models import Plan, PlanVersion
from carepool.signoff.models import SignOff
from tests.factories import World, area, user
from tests.plan_builders import balanced_schemes, scheme
from tests.web.helpers import text

pytestmark = pytest.mark.django_db

DECLARATIONS = (
    ("fund_objectives", "Agreed by the board"),
    ("grant_and_funding_conditions", "Checked by both finance leads"),
    ("metrics_and_capacity_plans", "Agreed with the ICB"),
)


def balanced() -> list[dict[str, Any]]:
    return balanced_schemes()


def web(person: Any) -> Actor:
    return Actor(person, Interface.WEB)


def start(world: World, schemes: list[dict[str, Any]] | None = None) -> Plan:
    return services.create_plan(
        web(world.finance),
        world.agreement.pk,
        "2024-25",
        balanced() if schemes is None else schemes,
    )


def declared(world: World) -> Plan:
    plan = start(world)
    for requirement, comment in DECLARATIONS:
        services.declare(web(world.finance), plan.pk, requirement, "yes", comment)
    return plan


@pytest.fixture
def login(client: Client, world: World) -> Callable[[Any], Client]:
    def sign_in(person: Any) -> Client:
        client.force_login(getattr(world, person) if isinstance(person, str) else person)
        return client

    return sign_in


def snapshot() -> tuple[Any, ...]:
    return (
        list(PlanVersion.objects.values_list("plan_id", "number", "content_hash", "submitted_at")),
        SignOff.objects.count(),
        AuditEvent.objects.count(),
        Plan.objects.count(),
    )


# the plan page ----------------------------------------------------------------------------


def test_the_plan_page_shows_the_checklist_failures_first_and_the_schemes(
    world: World, login: Callable[[Any], Client]
) -> None:
    plan = start(world)  # declarations unanswered: those checks fail
    response = login("viewer").get(f"/plans/{plan.pk}/")
    page = text(response)
    assert response.status_code == 200
    assert "2024-25 plan for Leeds" in page
    version = selectors.current_version(plan)
    assert version.content_hash[:12] in page
    assert f"data-hash>{version.content_hash}<" in page
    # The failures panel comes before the checklist items and links to each failed item.
    failures = page.index('id="failures"')
    checklist = selectors.checklist_of(plan)
    assert checklist.failures
    for item in checklist.failures:
        assert f'href="#check-{item.requirement_id}"' in page
        assert page.index(f'id="check-{item.requirement_id}"') > failures
        assert item.explanation in page
    assert "Home care to support independence" in page
    assert "Reablement at home" in page
    assert 'data-total="plan">' in page and "£95,000,000.01" in page
    # A viewer is offered no buttons.
    assert "Submit for sign-off" not in page
    assert "Approve version" not in page
    assert "Answer declarations" not in page


def test_an_outsider_gets_not_found(world: World, login: Callable[[Any], Client]) -> None:
    plan = start(world)
    client = login("outsider")
    assert client.get(f"/plans/{plan.pk}/").status_code == 404
    assert client.get(f"/plans/{plan.pk}/declarations/").status_code == 404
    assert client.post(f"/plans/{plan.pk}/submit/", {"version": "1"}).status_code == 404
    assert client.get("/plans/999999/").status_code == 404
    assert "2024-25 plan for Leeds" not in text(client.get("/plans/"))


def test_an_older_version_and_a_version_that_is_not_there(
    world: World, login: Callable[[Any], Client]
) -> None:
    plan = declared(world)
    services.submit(web(world.finance), plan.pk)
    services.sign_plan(web(world.signatory), plan.pk, "partner", 1)
    services.put_scheme(web(world.finance), plan.pk, scheme("S03", name="Carers' breaks"))
    client = login("viewer")
    old = text(client.get(f"/plans/{plan.pk}/?version=1"))
    assert "You are reading version 1, an earlier version" in old
    assert "Carers&#39; breaks" not in old and "Carers' breaks" not in old
    assert "frozen" in old
    current = text(client.get(f"/plans/{plan.pk}/"))
    assert "Carers' breaks" in current
    assert "Compare with version 1" in current
    assert client.get(f"/plans/{plan.pk}/?version=9").status_code == 404
    diff = text(client.get(f"/plans/{plan.pk}/diff/?old=1&new=2"))
    assert "S03: Carers' breaks" in diff
    assert client.get(f"/plans/{plan.pk}/diff/?old=1&new=7").status_code == 404


# submitting -------------------------------------------------------------------------------


def test_submit_is_refused_with_each_failure_linked_and_nothing_changes(
    world: World, login: Callable[[Any], Client]
) -> None:
    plan = start(world)
    before = snapshot()
    response = login("finance").post(f"/plans/{plan.pk}/submit/", {"version": plan.version})
    page = text(response)
    assert response.status_code == 400
    assert "nhsuk-error-summary" in page
    for item in selectors.checklist_of(plan).failures:
        assert f'href="#check-{item.requirement_id}"' in page
    assert snapshot() == before


def test_submit_then_partners_board_and_nation_sign(
    world: World, login: Callable[[Any], Client]
) -> None:
    plan = declared(world)
    vcs_signatory = user("vcs_signatory", world.vcs, Role.SIGNATORY)
    board = user("board", world.council, Role.BOARD_OFFICER)
    client = login("finance")
    page = text(client.get(f"/plans/{plan.pk}/"))
    assert "Submit for sign-off" in page
    plan.refresh_from_db()
    response = client.post(f"/plans/{plan.pk}/submit/", {"version": plan.version})
    assert response.status_code == 302
    assert selectors.current_version(plan).submitted_at is not None

    version = selectors.current_version(plan)
    for person in (world.signatory, world.icb_signatory, vcs_signatory):
        client = login(person)
        page = text(client.get(f"/plans/{plan.pk}/"))
        assert "Approve version 1" in page
        response = client.post(
            f"/plans/{plan.pk}/sign/",
            {"stage": "partner", "version": "1", "content_hash": version.content_hash},
        )
        assert response.status_code == 302, text(response)
        assert "Approve version 1" not in text(client.get(f"/plans/{plan.pk}/"))

    client = login(board)
    assert "Record the board" in text(client.get(f"/plans/{plan.pk}/"))
    response = client.post(
        f"/plans/{plan.pk}/sign/",
        {"stage": "board", "version": "1", "content_hash": version.content_hash},
    )
    assert response.status_code == 302
    assert selectors.state_of(plan) is selectors.PlanState.AGREED
    assert "Agreed" in text(client.get(f"/plans/{plan.pk}/"))

    # The national assurer must give reasons for anything but approval.
    client = login("assurer")
    page = text(client.get(f"/plans/{plan.pk}/"))
    assert "Record the outcome" in page
    before = snapshot()
    response = client.post(
        f"/plans/{plan.pk}/sign/",
        {
            "stage": "national",
            "version": "1",
            "content_hash": version.content_hash,
            "outcome": "not_approved",
            "reasons": "",
        },
    )
    page = text(response)
    assert response.status_code == 400
    assert 'href="#reasons"' in page
    assert "Give the reasons" in page
    assert snapshot() == before
    response = client.post(
        f"/plans/{plan.pk}/sign/",
        {
            "stage": "national",
            "version": "1",
            "content_hash": version.content_hash,
            "outcome": "approved_with_conditions",
            "reasons": "Report on discharge quarterly",
        },
    )
    assert response.status_code == 302
    assert selectors.state_of(plan) is selectors.PlanState.ASSURED


def test_a_signature_of_content_that_changed_is_refused(
    world: World, login: Callable[[Any], Client]
) -> None:
    plan = declared(world)
    services.submit(web(world.finance), plan.pk)
    before = snapshot()
    response = login("signatory").post(
        f"/plans/{plan.pk}/sign/", {"stage": "partner", "version": "1", "content_hash": "0" * 64}
    )
    assert response.status_code == 400
    assert "changed after you read it" in text(response)
    assert snapshot() == before


def test_a_viewer_may_not_sign_or_submit(world: World, login: Callable[[Any], Client]) -> None:
    plan = declared(world)
    services.submit(web(world.finance), plan.pk)
    before = snapshot()
    client = login("viewer")
    assert (
        client.post(f"/plans/{plan.pk}/sign/", {"stage": "partner", "version": "1"}).status_code
        == 403
    )
    assert client.post(f"/plans/{plan.pk}/submit/", {"version": "9"}).status_code in (403, 409)
    assert client.get(f"/plans/{plan.pk}/submit/").status_code == 405
    assert snapshot() == before


# declarations -----------------------------------------------------------------------------


def test_declarations_are_answered_and_the_checklist_shows_them(
    world: World, login: Callable[[Any], Client]
) -> None:
    plan = start(world)
    client = login("finance")
    page = text(client.get(f"/plans/{plan.pk}/declarations/"))
    assert 'name="fund_objectives-answer"' in page
    plan.refresh_from_db()
    post = {"version": plan.version}
    for requirement, comment in DECLARATIONS:
        post[f"{requirement}-answer"] = "yes"
        post[f"{requirement}-comment"] = comment
    response = client.post(f"/plans/{plan.pk}/declarations/", post)
    assert response.status_code == 302, text(response)
    checklist = selectors.checklist_of(plan)
    assert not checklist.failures
    assert "Checked by both finance leads" in text(client.get(f"/plans/{plan.pk}/declarations/"))


def test_a_declaration_without_a_comment_is_refused_and_changes_nothing(
    world: World, login: Callable[[Any], Client]
) -> None:
    plan = start(world)
    client = login("finance")
    plan.refresh_from_db()
    before = snapshot()
    response = client.post(
        f"/plans/{plan.pk}/declarations/",
        {
            "version": plan.version,
            "fund_objectives-answer": "yes",
            "fund_objectives-comment": "Agreed",
            "grant_and_funding_conditions-answer": "yes",
            "grant_and_funding_conditions-comment": "",
        },
    )
    page = text(response)
    assert response.status_code == 400
    assert 'href="#grant_and_funding_conditions-comment"' in page
    assert 'value="Agreed"' in page or ">Agreed</textarea>" in page
    assert snapshot() == before


def test_declarations_from_an_out_of_date_form_get_a_conflict_page_keeping_the_input(
    world: World, login: Callable[[Any], Client]
) -> None:
    plan = start(world)
    plan.refresh_from_db()
    stale = plan.version
    services.put_scheme(web(world.finance), plan.pk, scheme("S03", name="Carers' breaks"))
    before = snapshot()
    response = login("finance").post(
        f"/plans/{plan.pk}/declarations/",
        {
            "version": stale,
            "fund_objectives-answer": "no",
            "fund_objectives-comment": "Not yet agreed by the board",
        },
    )
    page = text(response)
    assert response.status_code == 409
    assert "Not yet agreed by the board" in page
    plan.refresh_from_db()
    assert f'name="version" value="{plan.version}"' in page
    assert snapshot() == before


def test_edit_forms_are_refused_up_front_to_a_viewer(
    world: World, login: Callable[[Any], Client]
) -> None:
    plan = start(world)
    client = login("viewer")
    assert client.get(f"/plans/{plan.pk}/declarations/").status_code == 403
    assert client.get(f"/agreements/{world.agreement.pk}/plans/new/").status_code == 403


# starting a plan and the lists ------------------------------------------------------------


def test_the_agreement_page_offers_the_years_without_a_plan_and_starts_one(
    world: World, login: Callable[[Any], Client]
) -> None:
    client = login("finance")
    page = text(client.get(f"/agreements/{world.agreement.pk}/"))
    assert 'id="plans"' in page
    assert "Start a plan for 2024-25" in page
    form = text(client.get(f"/agreements/{world.agreement.pk}/plans/new/?year=2024-25"))
    assert '<option value="2024-25" selected' in form
    response = client.post(f"/agreements/{world.agreement.pk}/plans/new/", {"year": "2024-25"})
    assert response.status_code == 302
    plan = Plan.objects.get(agreement=world.agreement, year="2024-25")
    assert response["Location"] == f"/plans/{plan.pk}/"
    page = text(client.get(f"/agreements/{world.agreement.pk}/"))
    assert "2024-25 plan for Leeds" in page
    assert "Start a plan for 2024-25" not in page
    # Starting it again is refused, naming the field.
    before = snapshot()
    response = client.post(f"/agreements/{world.agreement.pk}/plans/new/", {"year": "2024-25"})
    assert response.status_code == 400
    assert "already has a plan for 2024-25" in text(response)
    assert snapshot() == before


def test_the_plans_list_and_the_national_list(world: World, login: Callable[[Any], Client]) -> None:
    plan = start(world)
    page = text(login("viewer").get("/plans/"))
    assert f'href="/plans/{plan.pk}/"' in page
    assert "Draft" in page
    assert "every area&#39;s plan status" not in page.lower()
    assert login("viewer").get("/plans/national/?year=2024-25").status_code == 403

    client = login("assurer")
    page = text(client.get("/plans/national/?year=2024-25"))
    assert "Every area's plan for 2024-25" in page
    assert f'href="/plans/{plan.pk}/"' in page
    assert 'data-area="E10000016"' in page  # Kent, with no plan
    drafts = text(client.get("/plans/national/?year=2024-25&state=draft"))
    assert 'data-area="E08000035"' in drafts
    assert 'data-area="E10000016"' not in drafts
    assert "Every area's plan" in text(client.get("/"))
    assert login("auditor").get("/plans/national/?year=2024-25").status_code == 200


# how many queries the pages make ----------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_plan_page_reads_a_fixed_number_of_queries_whatever_its_size(
    world: World, login: Callable[[Any], Client], django_assert_max_num_queries: Any
) -> None:
    plan = declared(world)
    services.submit(web(world.finance), plan.pk)
    services.sign_plan(web(world.signatory), plan.pk, "partner", 1)
    client = login("signatory")
    with django_assert_max_num_queries(30):
        assert client.get(f"/plans/{plan.pk}/").status_code == 200
    small = _queries(client, f"/plans/{plan.pk}/")
    for n in range(3, 9):
        services.put_scheme(web(world.finance), plan.pk, scheme(f"S0{n}", name=f"Scheme {n}"))
    assert _queries(client, f"/plans/{plan.pk}/") <= small + 1  # a second version to list


def test_the_national_list_and_the_plans_list_do_not_read_per_plan(
    world: World, login: Callable[[Any], Client], django_assert_max_num_queries: Any
) -> None:
    start(world)
    client = login("assurer")
    one = (_queries(client, "/plans/national/?year=2024-25"), _queries(client, "/plans/"))
    services.create_plan(web(world.outsider), world.kent_agreement.pk, "2024-25", [])
    two = (_queries(client, "/plans/national/?year=2024-25"), _queries(client, "/plans/"))
    assert two == one
    with django_assert_max_num_queries(15):
        assert client.get("/plans/national/?year=2024-25").status_code == 200


def test_the_national_list_pages_every_area_keeping_the_filter(
    world: World, login: Callable[[Any], Client]
) -> None:
    for n in range(60):
        area(f"E0900{n:04d}", f"Zone {n:02d}")
    client = login("assurer")
    first = text(client.get("/plans/national/?year=2024-25"))
    assert "62 of 62 areas, 1 to 50 on this page" in first
    assert 'data-area="E08000035"' in first  # Kent and Leeds come first by name
    assert 'data-area="E09000059"' not in first
    assert "?year=2024-25&page=2" in first
    second = text(client.get("/plans/national/?year=2024-25&page=2"))
    assert 'data-area="E09000059"' in second
    assert "51 to 62 on this page" in second
    only_none = text(client.get("/plans/national/?year=2024-25&state=none&page=2"))
    assert "?year=2024-25&state=none&page=1" in only_none


# justifications ---------------------------------------------------------------------------


def test_a_failure_the_rules_allow_is_justified_then_submitted(
    world: World, login: Callable[[Any], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    import dataclasses

    real = selectors.year_rules_of

    def lenient(plan: Plan) -> Any:
        # No shipped year allows a justification yet: this one allows it for one declaration.
        rules = real(plan)
        conditions = tuple(
            dataclasses.replace(r, justification_allowed=True) if r.id == "fund_objectives" else r
            for r in rules.plan.conditions
        )
        return dataclasses.replace(
            rules, plan=dataclasses.replace(rules.plan, conditions=conditions)
        )

    monkeypatch.setattr(selectors, "year_rules_of", lenient)
    plan = start(world)
    for requirement, comment in DECLARATIONS[1:]:
        services.declare(web(world.finance), plan.pk, requirement, "yes", comment)
    client = login("finance")
    page = text(client.get(f"/plans/{plan.pk}/"))
    assert f"/plans/{plan.pk}/justify/fund_objectives/" in page
    assert "/justify/grant_and_funding_conditions/" not in page
    assert client.get(f"/plans/{plan.pk}/justify/grant_and_funding_conditions/").status_code == 404
    assert login("viewer").get(f"/plans/{plan.pk}/justify/fund_objectives/").status_code == 403

    client = login("finance")
    plan.refresh_from_db()
    before = snapshot()
    response = client.post(
        f"/plans/{plan.pk}/justify/fund_objectives/", {"justification": "", "version": plan.version}
    )
    assert response.status_code == 400
    assert 'href="#justification"' in text(response)
    assert snapshot() == before
    response = client.post(
        f"/plans/{plan.pk}/justify/fund_objectives/",
        {"justification": "The board meets after the deadline", "version": plan.version},
    )
    assert response.status_code == 302, text(response)
    assert "The board meets after the deadline" in text(client.get(f"/plans/{plan.pk}/"))
    plan.refresh_from_db()
    response = client.post(f"/plans/{plan.pk}/submit/", {"version": plan.version})
    assert response.status_code == 302, text(response)
