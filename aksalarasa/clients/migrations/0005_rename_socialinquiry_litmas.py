# SocialInquiry is renamed Litmas (the glossary's name): a table rename, every row kept.
# The reverse accessor from Client follows (client.litmas); it is not a database column.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clients', '0004_client_photo_private'),
    ]

    operations = [
        migrations.RenameModel(
            old_name='HistoricalSocialInquiry',
            new_name='HistoricalLitmas',
        ),
        migrations.RenameModel(
            old_name='SocialInquiry',
            new_name='Litmas',
        ),
        migrations.AlterField(
            model_name='litmas',
            name='client',
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name='litmas', to='clients.client'
            ),
        ),
    ]
