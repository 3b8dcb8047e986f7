"""Reference rows the browser tests need. live_server runs on a transactional
database, which is emptied after each test (data migrations included), so the
categories and the policy row are made again here."""
from suggestions.models import ResultCategory, SuggestionCategory, SuggestionPolicy

CATEGORIES = [("economy", "经济发展"), ("social", "社会保障"), ("education", "教育")]
RESULTS = [("A", "已经解决或基本解决", True), ("B", "正在解决或列入计划解决", True), ("C", "因条件限制需以后解决", False), ("D", "留作参考", False)]


def reference_data():
    for order, (code, name) in enumerate(CATEGORIES):
        SuggestionCategory.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
    for order, (code, name, promises) in enumerate(RESULTS):
        ResultCategory.objects.get_or_create(code=code, defaults={"name": name, "promises_action": promises, "sort_order": order})
    SuggestionPolicy.current()
