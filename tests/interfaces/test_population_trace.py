"""The population answer carries how it was computed, in the API and on the area page."""

from __future__ import annotations

from django.test import Client

from tests.factories import World, populations


def test_the_api_gives_the_trace_of_a_population_figure(world: World, client: Client) -> None:
    populations("E08000035", 2020, per_age=100)
    client.force_login(world.viewer)
    response = client.get(
        "/api/v1/areas/E08000035/population", {"year": "2024-25", "min_age": 65, "max_age": 66}
    )
    assert response.status_code == 200
    assert response.json()["trace"] == {
        "rule": "persons aged 65 to 66 in E08000035 in 2024-25 = sum of ages 65 to 66 of the "
        "ONS mid-2020 estimate, the latest loaded on or before mid-2024",
        "inputs": [
            {
                "name": "persons aged 65",
                "value": "100",
                "source": "ONS mid-2020 estimate, E08000035",
            },
            {
                "name": "persons aged 66",
                "value": "100",
                "source": "ONS mid-2020 estimate, E08000035",
            },
        ],
        "steps": ["100 + 100"],
        "result": "200",
        "sentence": "persons aged 65 to 66 in E08000035 in 2024-25 = sum of ages 65 to 66 of the "
        "ONS mid-2020 estimate, the latest loaded on or before mid-2024 = 100 + 100 = 200",
    }


def test_the_area_page_shows_how_each_figure_was_computed(world: World, client: Client) -> None:
    populations("E08000035", 2024, per_age=100)
    client.force_login(world.viewer)
    page = client.get("/areas/E08000035/", {"year": "2024-25"}).content.decode()
    assert "How these figures were computed" in page
    assert (
        "persons aged 85+ in E08000035 in 2024-25 = sum of ages 85 to 90 (90 = 90 and over) "
        "of the ONS mid-2024 estimate for 2024-25 = 100 + 100 + 100 + 100 + 100 + 100 = 600"
    ) in page
