"""The web interface's addresses. Mounted at / by ``carepool.site.urls``."""

from __future__ import annotations

from django.urls import path

from carepool.web.views import (
    account,
    agreements,
    areas,
    auth,
    contributions,
    home,
    invitations,
    ledger_entries,
    ledger_imports,
    ledger_monitoring,
    organisations,
    plans,
    risk_share,
)

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("account/tokens/", account.api_tokens, name="api_tokens"),
    path(
        "account/tokens/<int:token_id>/revoke/",
        account.api_token_revoke,
        name="api_token_revoke",
    ),
    # organisations
    path("organisations/", organisations.organisation_list, name="organisations"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path("organisations/<str:code>/", organisations.organisation_detail, name="organisation"),
    path(
        "organisations/<str:code>/history/",
        organisations.organisation_history,
        name="organisation_history",
    ),
    path(
        "organisations/<str:code>/edit/", organisations.organisation_edit, name="organisation_edit"
    ),
    path(
        "organisations/<str:code>/delete/",
        organisations.organisation_delete,
        name="organisation_delete",
    ),
    # areas
    path("areas/", areas.area_list, name="areas"),
    path("areas/<str:code>/", areas.area_detail, name="area"),
    # invitations to join an agreement
    path(
        "invitations/<int:agreement_id>/accept/",
        invitations.invitation_accept,
        name="invitation_accept",
    ),
    path(
        "invitations/<int:agreement_id>/decline/",
        invitations.invitation_decline,
        name="invitation_decline",
    ),
    # agreements
    path("agreements/", agreements.agreement_list, name="agreements"),
    path("agreements/new/", agreements.agreement_create, name="agreement_create"),
    path("agreements/<int:agreement_id>/", agreements.agreement_detail, name="agreement"),
    path(
        "agreements/<int:agreement_id>/history/",
        agreements.agreement_history,
        name="agreement_history",
    ),
    path("agreements/<int:agreement_id>/edit/", agreements.agreement_edit, name="agreement_edit"),
    path(
        "agreements/<int:agreement_id>/delete/",
        agreements.agreement_delete,
        name="agreement_delete",
    ),
    path(
        "agreements/<int:agreement_id>/approve/",
        agreements.agreement_approve,
        name="agreement_approve",
    ),
    path(
        "agreements/<int:agreement_id>/risk-share/new/",
        risk_share.risk_share_add,
        name="risk_share_add",
    ),
    path(
        "agreements/<int:agreement_id>/risk-share/<int:position>/remove/",
        risk_share.risk_share_remove,
        name="risk_share_remove",
    ),
    path(
        "agreements/<int:agreement_id>/contributions/new/",
        contributions.contribution_add,
        name="contribution_add",
    ),
    # yearly plans
    path(
        "agreements/<int:agreement_id>/plans/new/",
        plans.plan_start,
        name="plan_start",
    ),
    path("plans/", plans.plan_list, name="plans"),
    path("plans/national/", plans.plans_national, name="plans_national"),
    path("plans/<int:plan_id>/", plans.plan_detail, name="plan"),
    path("plans/<int:plan_id>/submit/", plans.plan_submit, name="plan_submit"),
    path("plans/<int:plan_id>/sign/", plans.plan_sign, name="plan_sign"),
    path("plans/<int:plan_id>/declarations/", plans.plan_declarations, name="plan_declarations"),
    path("plans/<int:plan_id>/diff/", plans.plan_diff, name="plan_diff"),
    path(
        "plans/<int:plan_id>/justify/<str:requirement_id>/",
        plans.plan_justify,
        name="plan_justify",
    ),
    path("plans/<int:plan_id>/schemes/new/", plans.scheme_form, name="scheme_add"),
    path(
        "plans/<int:plan_id>/schemes/<str:scheme_id>/edit/", plans.scheme_form, name="scheme_edit"
    ),
    path(
        "plans/<int:plan_id>/schemes/<str:scheme_id>/remove/",
        plans.scheme_remove,
        name="scheme_remove",
    ),
    # contributions
    path(
        "contributions/<int:contribution_id>/",
        contributions.contribution_detail,
        name="contribution",
    ),
    path(
        "contributions/<int:contribution_id>/vary/",
        contributions.contribution_vary,
        name="contribution_vary",
    ),
    path(
        "contributions/<int:contribution_id>/edit/",
        contributions.contribution_edit,
        name="contribution_edit",
    ),
    path(
        "contributions/<int:contribution_id>/delete/",
        contributions.contribution_delete,
        name="contribution_delete",
    ),
]

# The ledger (issue 8): each module lists its own pages.
urlpatterns += ledger_imports.urlpatterns
urlpatterns += ledger_monitoring.urlpatterns
urlpatterns += ledger_entries.urlpatterns
