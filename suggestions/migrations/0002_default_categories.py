"""The default categories (staff edit them afterwards) and the policy row with
the 代表法 practice defaults."""
from django.db import migrations

CATEGORIES = [
    ("economy", "经济发展"),
    ("agriculture", "农业农村"),
    ("education", "教育"),
    ("health", "医疗卫生"),
    ("transport", "交通建设"),
    ("environment", "生态环境"),
    ("social", "社会保障"),
    ("urban", "城乡建设"),
    ("culture", "文化旅游"),
    ("law", "政法"),
    ("other", "其他"),
]
RESULTS = [
    ("A", "已经解决或基本解决", True),
    ("B", "正在解决或列入计划解决", True),
    ("C", "因条件限制需以后解决", False),
    ("D", "留作参考", False),
]


def seed(apps, schema_editor):
    Category = apps.get_model("suggestions", "SuggestionCategory")
    Result = apps.get_model("suggestions", "ResultCategory")
    Policy = apps.get_model("suggestions", "SuggestionPolicy")
    for order, (code, name) in enumerate(CATEGORIES):
        Category.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    for order, (code, name, promises) in enumerate(RESULTS):
        Result.objects.get_or_create(code=code, defaults={"name": name, "promises_action": promises, "sort_order": order})
    if not Policy.objects.exists():
        Policy.objects.create()


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
