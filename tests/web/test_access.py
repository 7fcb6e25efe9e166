"""Who reaches which page: sign-in, scoping (404 for outsiders) and read-only roles (403)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse

from carepool.agreements import services as agreement_services
from carepool.audit.models import Interface
from carepool.audit.services import Actor
from tests.factories import PASSWORD, World, agreement_data, approve
from tests.web.helpers import state

pytestmark = pytest.mark.django_db

# Pages about one agreement or one of its contributions: (url name, whose id).
SCOPED_PAGES = [
    ("web:agreement", "agreement"),
    ("web:agreement_edit", "agreement"),
    ("web:agreement_delete", "agreement"),
    ("web:contribution_add", "agreement"),
    ("web:contribution", "contribution"),
    ("web:contribution_vary", "contribution"),
    ("web:contribution_edit", "contribution"),
    ("web:contribution_delete", "contribution"),
]
# Every form that writes, with a post that the service would accept from a finance officer.
SCOPED_POSTS = [
    ("web:agreement_edit", "agreement", {"title": "Taken over"}),
    ("web:agreement_delete", "agreement", {}),
    ("web:agreement_approve", "agreement", {}),
    (
        "web:contribution_add",
        "agreement",
        {
            "year": "2024-25",
            "partner": "E08000035",
            "funding_stream": "dfg",
            "mandated": "yes",
            "amount": "1000.00",
            "frequency": "quarterly",
        },
    ),
    (
        "web:contribution_vary",
        "contribution",
        {"effective_date": "2024-10-01", "change": "100.00", "reason": "Winter pressures"},
    ),
    ("web:contribution_edit", "contribution", {"frequency": "monthly"}),
    ("web:contribution_delete", "contribution", {}),
]
OPEN_PAGES = [
    ("web:home", ()),
    ("web:agreements", ()),
    ("web:agreement_create", ()),
    ("web:organisations", ()),
    ("web:organisation", ("QWO",)),
    ("web:organisation_create", ()),
    # the finance officer's own organisation: the only one of these they may change
    ("web:organisation_edit", ("E08000035",)),
    ("web:organisation_delete", ("E08000035",)),
    ("web:areas", ()),
    ("web:area", ("E08000035",)),
]


def scoped_url(world: World, name: str, whose: str) -> str:
    pk = world.agreement.pk if whose == "agreement" else world.nhs_min.pk
    return reverse(name, args=[pk])


def every_get_url(world: World) -> list[str]:
    return [scoped_url(world, n, w) for n, w in SCOPED_PAGES] + [
        reverse(n, args=args) for n, args in OPEN_PAGES
    ]


# --- signing in ---------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client, world):
    for url in every_get_url(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('web:login')}?next={url}"


def test_anonymous_posts_change_nothing(client, world):
    before = state(world)
    for name, whose, data in SCOPED_POSTS:
        response = client.post(scoped_url(world, name, whose), data)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login"))
    assert state(world) == before


def test_log_in_and_out(client, world):
    page = client.get(reverse("web:login"))
    assert page.status_code == 200
    assert "<title>Log in - Carepool</title>" in page.content.decode()

    response = client.post(reverse("web:login"), {"username": "finance", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    home = client.get(reverse("web:home")).content.decode()
    assert "Finance" in home
    assert "Leeds City Council" in home
    assert "Finance officer" in home

    assert client.get(reverse("web:logout")).status_code == 405  # a link cannot log anyone out
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302
    assert client.get(reverse("web:home")).status_code == 302


def test_a_wrong_password_is_refused_with_an_error_summary(client, world):
    response = client.post(reverse("web:login"), {"username": "finance", "password": "nope"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Log in - Carepool</title>" in html
    assert "nhsuk-error-summary" in html
    assert 'href="#username"' in html
    assert "Please enter a correct username and password" in html


def test_log_in_goes_back_to_the_page_asked_for(client, world):
    url = reverse("web:agreement", args=[world.agreement.pk])
    response = client.post(
        f"{reverse('web:login')}?next={url}",
        {"username": "finance", "password": PASSWORD, "next": url},
    )
    assert response["Location"] == url


# --- entitled users -----------------------------------------------------------------------


def test_every_page_opens_for_a_finance_officer_of_a_partner(login, world):
    client = login("finance")
    for url in every_get_url(world):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert html.count("<h1") == 1, url
        assert " - Carepool</title>" in html, url
        assert 'id="maincontent"' in html, url


@pytest.mark.parametrize("reader", ["viewer", "auditor", "assurer", "signatory"])
def test_readers_are_not_offered_forms_they_cannot_submit(login, world, reader):
    client = login(reader)
    for name, whose in SCOPED_PAGES:
        if name in ("web:agreement", "web:contribution"):
            continue
        response = client.get(scoped_url(world, name, whose))
        assert response.status_code == 403, name
    assert client.get(reverse("web:organisation_edit", args=["QWO"])).status_code == 403
    # Create forms too: refused before they are filled in, with the service's own words.
    for name, doing in (
        ("web:agreement_create", "create agreements"),
        ("web:organisation_create", "add organisations"),
    ):
        response = client.get(reverse(name))
        assert response.status_code == 403, name
        assert f"You need the finance officer role to {doing}" in response.content.decode()


def test_delete_is_offered_only_where_it_can_succeed(login, world):
    client = login("finance")
    offered = "Delete this agreement"
    with_money = client.get(reverse("web:agreement", args=[world.agreement.pk]))
    assert offered not in with_money.content.decode()  # it has contributions
    empty = client.get(reverse("web:agreement", args=[world.kent_agreement.pk]))
    assert empty.status_code == 404  # not Leeds's
    agreement = agreement_services.create_agreement(
        Actor(world.finance, Interface.WEB),
        agreement_data(title="Empty", partners=["E08000035", "QWO"], auditors=[]),
    )
    page = client.get(reverse("web:agreement", args=[agreement.pk])).content.decode()
    assert offered in page
    agreement_services.accept_invitation(Actor(world.icb_signatory, Interface.WEB), agreement.pk)
    approve(world.signatory, agreement.pk)
    page = client.get(reverse("web:agreement", args=[agreement.pk])).content.decode()
    assert offered not in page  # approved: one partner alone cannot delete it


@pytest.mark.parametrize("reader", ["viewer", "auditor", "assurer", "signatory", "icb_signatory"])
def test_readers_see_the_agreement_its_contributions_and_history(login, world, reader):
    client = login(reader)
    page = client.get(reverse("web:agreement", args=[world.agreement.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Leeds Better Care Fund pooled budget" in html
    assert "Audit history" in html
    assert "£95,000,000.01" in html
    assert client.get(reverse("web:contribution", args=[world.ibcf.pk])).status_code == 200
    assert "Leeds Better Care Fund" in client.get(reverse("web:agreements")).content.decode()


@pytest.mark.parametrize("reader", ["viewer", "auditor", "assurer"])
def test_readers_cannot_change_anything(login, world, reader):
    client = login(reader)
    before = state(world)
    for name, whose, data in SCOPED_POSTS:
        response = client.post(scoped_url(world, name, whose), data)
        assert response.status_code == 403, name
        html = response.content.decode()
        assert "You cannot do this" in html
        assert "You need the" in html  # the service's reason, naming the missing role
    assert state(world) == before


def test_the_forbidden_page_gives_the_services_reason(login, world):
    client = login("viewer")
    response = client.post(
        reverse("web:agreement_edit", args=[world.agreement.pk]), {"title": "Mine now"}
    )
    assert response.status_code == 403
    assert "You need the finance officer role to change agreements" in response.content.decode()


def test_readers_are_not_offered_buttons_that_would_be_refused(login, world):
    html = login("viewer").get(reverse("web:agreement", args=[world.agreement.pk])).content.decode()
    assert reverse("web:agreement_edit", args=[world.agreement.pk]) not in html
    assert reverse("web:contribution_add", args=[world.agreement.pk]) not in html
    assert reverse("web:agreement_approve", args=[world.agreement.pk]) not in html


def test_outsiders_still_see_their_own_agreement(client, world):
    """The outsider is a finance officer too, of Kent: Leeds is hidden, Kent is theirs."""
    client.force_login(world.outsider)
    url = reverse("web:agreement", args=[world.kent_agreement.pk])
    assert client.get(url).status_code == 200


# --- scoping: outsiders see nothing -------------------------------------------------------


@pytest.mark.parametrize(("name", "whose"), SCOPED_PAGES)
def test_outsiders_get_404_for_every_agreement_and_contribution_page(login, world, name, whose):
    response = login("outsider").get(scoped_url(world, name, whose))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "Leeds Better Care Fund" not in html


@pytest.mark.parametrize(("name", "whose", "data"), SCOPED_POSTS)
def test_outsiders_get_404_for_every_write_and_nothing_changes(login, world, name, whose, data):
    before = state(world)
    response = login("outsider").post(scoped_url(world, name, whose), data)
    assert response.status_code == 404
    assert "Leeds Better Care Fund" not in response.content.decode()
    assert state(world) == before


def test_outsiders_lists_do_not_show_the_leeds_agreement(login, world):
    client = login("outsider")
    for url in [
        reverse("web:home"),
        reverse("web:agreements"),
        reverse("web:organisation", args=["E08000035"]),
        reverse("web:organisation", args=["QWO"]),
    ]:
        html = client.get(url).content.decode()
        assert "Leeds Better Care Fund pooled budget" not in html, url
        assert reverse("web:agreement", args=[world.agreement.pk]) not in html, url
    assert "Kent Better Care Fund" in client.get(reverse("web:agreements")).content.decode()


def test_unknown_ids_are_404_not_500(login, world):
    client = login("assurer")
    assert client.get(reverse("web:agreement", args=[999999])).status_code == 404
    assert client.get(reverse("web:contribution", args=[999999])).status_code == 404
    assert client.get(reverse("web:organisation", args=["NOPE"])).status_code == 404
    assert client.get(reverse("web:area", args=["E99999999"])).status_code == 404


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.finance)
    before = state(world)
    response = client.post(
        reverse("web:agreement_edit", args=[world.agreement.pk]), {"title": "Forged"}
    )
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()
    assert state(world) == before


def test_every_form_carries_a_csrf_token(login, world):
    client = login("finance")
    for url in every_get_url(world):
        html = client.get(url).content.decode()
        for form in re.findall(r'<form[^>]*method="post".*?</form>', html, re.S):
            assert 'name="csrfmiddlewaretoken"' in form, url


@pytest.mark.parametrize("status", [404, 500])
def test_djangos_own_error_pages_use_the_layout(client, status):
    from django.views import defaults

    request = RequestFactory().get("/nowhere/")
    request.user = AnonymousUser()
    if status == 404:
        response = defaults.page_not_found(request, Exception("nowhere"))
        assert "Page not found - Carepool" in response.content.decode()
    else:
        response = defaults.server_error(request)
        assert "Sorry, there is a problem with the service - Carepool" in response.content.decode()
    assert response.status_code == status
