"""Fills NameToken.sort_name for tokens written before the column existed."""

from django.db import migrations
from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Concat, Lower, Substr, Trim


def fill(apps, schema_editor):
    NameToken = apps.get_model("registry", "NameToken")
    Person = apps.get_model("registry", "Person")
    name = Person.objects.filter(id=OuterRef("person_id")).annotate(
        sort=Substr(Lower(Trim(Concat("family_name", Value(" "), "given_name"))), 1, 120)
    ).values("sort")[:1]
    NameToken.objects.filter(sort_name="").update(sort_name=Subquery(name))


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_search_order_and_lean_indexes")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
