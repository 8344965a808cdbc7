"""Meal plan items get a position, so a coach can reorder foods in a meal and move them
between meals. Existing items are numbered in the order they were added (by id)."""

from django.db import migrations, models


def number_items(apps, schema_editor):
    MealItem = apps.get_model("programs", "MealItem")
    meal_id, position = None, 0
    for pk, meal in MealItem.objects.order_by("meal_id", "pk").values_list("pk", "meal_id"):
        position = position + 1 if meal == meal_id else 1
        meal_id = meal
        MealItem.objects.filter(pk=pk).update(position=position)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="mealitem",
            name="position",
            field=models.PositiveSmallIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(number_items, migrations.RunPython.noop),
        migrations.AlterModelOptions(
            name="mealitem",
            options={"ordering": ["meal", "position", "pk"]},
        ),
        migrations.AddConstraint(
            model_name="mealitem",
            constraint=models.UniqueConstraint(
                deferrable=models.Deferrable.DEFERRED,
                fields=("meal", "position"),
                name="meal_item_position_unique",
            ),
        ),
    ]
