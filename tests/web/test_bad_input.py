"""Text that cannot be stored, through the web forms: the services' words, never a 500."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from carepool.agreements.models import Agreement
from carepool.web.presenters.agreements import agreement_form_values
from tests.factories import World
from tests.web.helpers import assert_refused, state

pytestmark = pytest.mark.django_db


def test_a_nul_in_a_text_field_is_refused_with_the_services_words(login, world: World) -> None:
    before = state(world)
    url = reverse("web:agreement_edit", args=[world.agreement.pk])
    form = {**agreement_form_values(world.agreement), "aims": "Keep well\x00"}

    response = login("finance").post(url, form)

    assert_refused(response, "aims", "contains a character that is not allowed (NUL)")
    assert state(world) == before


def test_bytes_that_are_not_utf8_arrive_as_replacement_characters(login, world: World) -> None:
    # A browser cannot send half a character: Django reads bytes that are not UTF-8 (here the
    # encoded surrogate ED A0 80) as U+FFFD, so what is stored is text, and shows as such.
    url = reverse("web:agreement_edit", args=[world.agreement.pk])
    form = {k: v for k, v in agreement_form_values(world.agreement).items() if k != "aims"}
    body = urlencode(form, doseq=True) + "&aims=Keep%20well%20%ED%A0%80"

    response = login("finance").post(url, body, content_type="application/x-www-form-urlencoded")

    assert response.status_code == 302, response.content
    assert Agreement.objects.get(pk=world.agreement.pk).aims == "Keep well \ufffd\ufffd\ufffd"
