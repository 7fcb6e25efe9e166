"""Me, organisations, areas, populations and the year's funding streams."""

from __future__ import annotations

from collections.abc import Callable

from carepool.audit.models import AuditEvent
from carepool.organisations.models import Organisation
from tests.api.helpers import ApiClient, fields
from tests.factories import World, populations

SignIn = Callable[..., ApiClient]


def test_me(api_as: SignIn, world: World) -> None:
    body = api_as(world.outsider).get("/me").json()
    assert body == {
        "username": "outsider",
        "display_name": "Outsider",
        "email": "",
        "organisation": {
            "code": "E10000016",
            "name": "Kent County Council",
            "org_type": "council",
            "code_system": "gss",
            "org_type_label": "Upper-tier or unitary council",
            "version": 1,
        },
        "roles": ["finance_officer", "signatory", "viewer"],
    }


def test_organisations_can_be_searched_and_filtered(api_as: SignIn, world: World) -> None:
    api = api_as(world.viewer)
    assert len(api.get("/organisations").json()["items"]) == 7
    assert [o["code"] for o in api.get("/organisations", q="kent").json()["items"]] == [
        "E10000016",
        "QKS",
    ]
    assert [o["code"] for o in api.get("/organisations", q="qwo").json()["items"]] == ["QWO"]
    councils = api.get("/organisations", type="council").json()["items"]
    assert {o["code"] for o in councils} == {"E08000035", "E10000016"}


def test_an_organisation_by_code(api_as: SignIn, world: World) -> None:
    api = api_as(world.viewer)
    body = api.get("/organisations/qwo").json()
    assert body["name"] == "NHS West Yorkshire Integrated Care Board"
    assert body["agreements"][0]["id"] == world.agreement.pk
    assert api.get("/organisations/NOPE").json() == {"detail": "Not found"}


def test_organisation_lifecycle_is_audited_as_api(api_as: SignIn, world: World) -> None:
    api = api_as(world.finance)
    created = api.post(
        "/organisations",
        {
            "code": "rr8",
            "code_system": "ods",
            "name": "Leeds Teaching Hospitals",
            "org_type": "nhs_trust",
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["code"] == "RR8"

    renamed = api.patch("/organisations/RR8", {"name": "Leeds Teaching Hospitals NHS Trust"})
    assert renamed.status_code == 200, renamed.content
    assert Organisation.objects.get(code="RR8").name == "Leeds Teaching Hospitals NHS Trust"

    history = api.get("/organisations/RR8/history").json()["items"]
    assert [e["action"] for e in history] == ["update", "create"]
    assert all(e["interface"] == "api" and e["actor"] == "Finance" for e in history)
    assert history[0]["changes"] == {
        "name": ["Leeds Teaching Hospitals", "Leeds Teaching Hospitals NHS Trust"]
    }

    deleted = api.delete("/organisations/RR8")
    assert deleted.status_code == 204
    assert not Organisation.objects.filter(code="RR8").exists()
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert (event.action, event.interface, event.object_id) == ("delete", "api", "RR8")


def test_areas(api_as: SignIn, world: World) -> None:
    api = api_as(world.viewer)
    assert [a["code"] for a in api.get("/areas").json()["items"]] == ["E10000016", "E08000035"]
    assert [a["name"] for a in api.get("/areas", q="lee").json()["items"]] == ["Leeds"]
    leeds = api.get("/areas/e08000035").json()
    assert leeds["region_name"] == "Yorkshire and The Humber"
    assert leeds["source"]
    assert api.get("/areas/E99999999").status_code == 404


def test_population_of_people_aged_65_and_over(api_as: SignIn, world: World) -> None:
    populations("E08000035", 2023, per_age=100)
    api = api_as(world.viewer)
    body = api.get("/areas/E08000035/population", year="2024-25", min_age=65).json()
    assert body.pop("trace")["result"] == "2,600"  # the trace itself: test_population_trace.py
    assert body == {
        "area": {"code": "E08000035", "name": "Leeds"},
        "year": "2024-25",
        "estimate_year": 2023,
        "min_age": 65,
        "max_age": None,
        "age_label": "aged 65+",
        "persons": 2600,  # ages 65 to 89 and the "90 and over" group
        "note": "ONS mid-2023 estimate, the latest loaded on or before mid-2024",
    }
    band = api.get("/areas/E08000035/population", year="2023-24", min_age=18, max_age=64).json()
    assert (band["persons"], band["age_label"]) == (4700, "aged 18 to 64")


def test_population_refusals_name_the_field(api_as: SignIn, world: World) -> None:
    populations("E08000035", 2024)
    api = api_as(world.viewer)
    assert fields(api.get("/areas/E08000035/population", year="2020-21")) == ["year"]
    assert fields(api.get("/areas/E08000035/population", year="2024-25", min_age="old")) == [
        "min_age"
    ]
    assert fields(api.get("/areas/E08000035/population", year="2024-25", min_age=95)) == ["age"]
    assert fields(api.get("/areas/E08000035/population")) == ["year"]
    assert api.get("/areas/E99999999/population", year="2024-25").status_code == 404


def test_funding_streams_of_a_year(api_as: SignIn, world: World) -> None:
    body = api_as(world.viewer).get("/funding-streams", year="2024-25").json()
    assert body["year"] == "2024-25"
    assert body["programme"] == "Better Care Fund"
    nhs = next(s for s in body["funding_streams"] if s["code"] == "nhs_minimum")
    assert nhs == {
        "code": "nhs_minimum",
        "name": "Minimum NHS (CCG/ICB) contribution",
        "nature": "mandated",
        "contributors": ["nhs_commissioner"],
    }
