"""Activation e-mails logged before links were kept out of the log: remove the links.

Anyone who could read the e-mail log (or a database dump) could open a nominee's link and
choose their password. The people themselves still have the e-mail they received."""

import re

from django.db import migrations

LINK = re.compile(r"\S*/accounts/activate/[^\s/]+/?")


def redact(apps, schema_editor):
    EmailLog = apps.get_model("surveys", "EmailLog")
    for log in EmailLog.objects.filter(kind="activation", body__contains="/accounts/activate/"):
        log.body = LINK.sub("[activation link removed]", log.body)
        log.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("surveys", "0005_attachment_text_status")]

    operations = [migrations.RunPython(redact, migrations.RunPython.noop)]
