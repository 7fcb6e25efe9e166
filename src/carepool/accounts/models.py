"""Users belong to an organisation and hold roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    FINANCE_OFFICER = "finance_officer", "Finance officer"
    SIGNATORY = "signatory", "Signatory"
    VIEWER = "viewer", "Viewer"
    AUDITOR = "auditor", "Auditor"
    NATIONAL_ASSURER = "national_assurer", "National assurer"
    # Records the Health and Wellbeing Board's decisions on plans (a partner's officer).
    BOARD_OFFICER = "board_officer", "Board officer"


class User(AbstractUser):
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="users"
    )

    REQUIRED_FIELDS = ["email", "organisation"]

    @property
    def roles(self) -> frozenset[str]:
        cached: frozenset[str] | None = getattr(self, "_roles_cache", None)
        if cached is None:
            cached = frozenset(self.role_grants.values_list("role", flat=True))
            self._roles_cache = cached
        return cached

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="one_grant_per_role")]

    def __str__(self) -> str:
        return f"{self.user} as {self.get_role_display()}"


class ApiToken(models.Model):
    """A personal API token: a script calling the API as its owner (carepool.accounts.tokens).

    Only a SHA-256 hash of the token is kept; the token itself is shown once, when created.
    ``prefix`` is the token's public start, shown in lists so people can tell tokens apart.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=20, unique=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
