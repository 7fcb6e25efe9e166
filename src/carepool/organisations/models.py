"""Organisations (partners), areas and population estimates."""

from __future__ import annotations

from django.db import models

from carepool.core.organisations import AreaKind, CodeSystem, OrganisationType


class Organisation(models.Model):
    code = models.CharField(max_length=30, unique=True, help_text="Official ODS or GSS code")
    code_system = models.CharField(max_length=10, choices=[(c.value, c.label) for c in CodeSystem])
    name = models.CharField(max_length=200)
    org_type = models.CharField(
        "type", max_length=30, choices=[(t.value, t.label) for t in OrganisationType]
    )
    created_by_organisation = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Whose finance officer added it (none: loaded from national data)",
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Goes up with every change; a write based on an older one is refused"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def type(self) -> OrganisationType:
        return OrganisationType(self.org_type)


class Area(models.Model):
    """A local area that plans and pools: a Health and Wellbeing Board area in England."""

    code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=[(k.value, k.label) for k in AreaKind])
    region_code = models.CharField(max_length=9, blank=True)
    region_name = models.CharField(max_length=100, blank=True)
    country_code = models.CharField(max_length=9, blank=True)
    country_name = models.CharField(max_length=50, blank=True)
    source = models.CharField(max_length=200, help_text="The file the area was loaded from")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PopulationEstimate(models.Model):
    """ONS mid-year estimate of persons of one single year of age (90 means 90 and over)."""

    geography_code = models.CharField(max_length=9, db_index=True)
    estimate_year = models.PositiveSmallIntegerField(help_text="Mid-year (30 June) of the estimate")
    age = models.PositiveSmallIntegerField()
    persons = models.PositiveIntegerField()
    source = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["geography_code", "estimate_year", "age"], name="one_estimate_per_age"
            ),
            models.CheckConstraint(condition=models.Q(age__lte=90), name="age_at_most_90"),
        ]

    def __str__(self) -> str:
        return f"{self.geography_code} mid-{self.estimate_year} aged {self.age}: {self.persons}"
