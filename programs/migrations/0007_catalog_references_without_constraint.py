"""References to the shared exercise catalog keep no foreign key in the database (see
programs.models.CATALOG_CONSTRAINT): each key put two triggers per business on the catalog's
table, so sign-ups slowed as businesses were added and every catalog change ran them all.
The columns and their indexes stay."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0007_citus_reference_table'),
        ('programs', '0006_workoutlog_comment_notice'),
    ]

    operations = [
        migrations.AlterField(
            model_name='exercise',
            name='catalog',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='catalog.catalogexercise', verbose_name='copied from'),
        ),
        migrations.AlterField(
            model_name='exercisehide',
            name='catalog_exercise',
            field=models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.catalogexercise'),
        ),
        migrations.AlterField(
            model_name='personalrecord',
            name='catalog_exercise',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.catalogexercise'),
        ),
        migrations.AlterField(
            model_name='prescription',
            name='catalog_exercise',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.catalogexercise'),
        ),
        migrations.AlterField(
            model_name='setlog',
            name='catalog_exercise',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.catalogexercise'),
        ),
    ]
