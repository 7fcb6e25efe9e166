"""Logging in and out with Django's own views, rendered in the NHS.UK design system."""

from __future__ import annotations

from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    template_name = "web/login.jinja"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    """POST only (Django refuses a GET log-out), so a link cannot sign anyone out."""
