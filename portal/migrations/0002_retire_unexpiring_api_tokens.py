"""API tokens of DRF's authtoken app never expired and were stored as they are: they are
replaced by django-rest-knox tokens (hashed, expiring). The old table is removed with every
token in it; people obtain new tokens at POST /api/v1/auth/token/."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_initial")]

    operations = [
        migrations.RunSQL(
            [
                "DROP TABLE IF EXISTS authtoken_token",
                "DELETE FROM django_migrations WHERE app = 'authtoken'",
            ],
            migrations.RunSQL.noop,
        )
    ]
