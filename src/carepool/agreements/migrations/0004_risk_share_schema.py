"""Record which shape each agreement's risk-share provisions are stored in, and upgrade the
provisions stored before shapes were recorded (schema 0) to the current one.

A provision no upgrade can read is kept exactly as it was: the agreement page then shows it
as "cannot be read", with the reason, and completeness flags it, so a person can put it right.
"""

from django.db import migrations, models

from carepool.core.risk_share import RISK_SHARE_SCHEMA, upgrade_provisions


def upgrade(apps, schema_editor):
    Agreement = apps.get_model("agreements", "Agreement")
    for agreement in Agreement.objects.filter(risk_share_schema__lt=RISK_SHARE_SCHEMA).only(
        "pk", "risk_share", "risk_share_schema"
    ):
        agreement.risk_share = upgrade_provisions(agreement.risk_share, agreement.risk_share_schema)
        agreement.risk_share_schema = RISK_SHARE_SCHEMA
        agreement.save(update_fields=["risk_share", "risk_share_schema"])


class Migration(migrations.Migration):
    dependencies = [("agreements", "0003_agreement_programme")]

    operations = [
        # Rows stored before this migration are schema 0 ...
        migrations.AddField(
            model_name="agreement",
            name="risk_share_schema",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.RunPython(upgrade, migrations.RunPython.noop),
        # ... and new ones are written in the current shape by the services.
        migrations.AlterField(
            model_name="agreement",
            name="risk_share_schema",
            field=models.PositiveSmallIntegerField(
                default=RISK_SHARE_SCHEMA,
                help_text="The shape the risk-share provisions are stored in "
                "(carepool.core.risk_share.RISK_SHARE_SCHEMA); migrations upgrade older shapes",
            ),
        ),
    ]
