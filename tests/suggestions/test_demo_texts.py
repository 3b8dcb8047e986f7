"""The demo's suggestion texts are varied (not a few templates repeated) and
every problem's unit is a department of the demo province with functions keywords."""
from deputies.seeding import HANDLING_UNITS
from suggestions.demo_texts import PROBLEMS, generate
from suggestions.unit_functions import FUNCTIONS


def test_a_few_hundred_texts_are_nearly_all_different():
    texts = generate(300)
    assert len({(t["title"], t["content"]) for t in texts}) >= 295
    assert len({t["title"] for t in texts}) >= 100
    assert len({t["key"] for t in texts}) >= 45


def test_every_unit_named_is_a_demo_department_with_functions():
    shorts = {short for _name, short, _kind, _parent in HANDLING_UNITS}
    named = set(PROBLEMS) | {p[4] for items in PROBLEMS.values() for p in items if p[4]}
    assert named <= shorts
    assert set(PROBLEMS) <= set(FUNCTIONS) and set(FUNCTIONS) <= shorts
