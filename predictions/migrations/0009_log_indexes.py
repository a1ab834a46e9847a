from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('predictions', '0008_lifecycle'),
    ]

    operations = []
