"""Partners' approvals are sign-offs now (0005 moved them); the old table goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("agreements", "0005_approvals_to_sign_offs")]

    operations = [migrations.DeleteModel(name="Approval")]
