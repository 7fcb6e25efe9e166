"""Versions for optimistic concurrency; partners invited until they accept.

Partners already in an agreement were put there before invitations existed: they are
recorded as accepted (the column is added with that default, then the default becomes
"invited" for partners added from now on)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="agreement",
            name="version",
            field=models.PositiveIntegerField(
                default=1,
                help_text="Goes up with every change to the agreement or anything in it (partners, contributions); a write based on an older version is refused",
            ),
        ),
        migrations.AddField(
            model_name="agreementpartner",
            name="accepted_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="agreementpartner",
            name="accepted_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="agreementpartner",
            name="invited_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="agreementpartner",
            name="invited_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="agreementpartner",
            name="status",
            field=models.CharField(
                choices=[("invited", "Invited"), ("accepted", "Accepted")],
                default="accepted",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="contribution",
            name="version",
            field=models.PositiveIntegerField(
                default=1, help_text="Goes up with every change (frequency, variations)"
            ),
        ),
        migrations.AlterField(
            model_name="agreementpartner",
            name="status",
            field=models.CharField(
                choices=[("invited", "Invited"), ("accepted", "Accepted")],
                default="invited",
                max_length=10,
            ),
        ),
    ]
