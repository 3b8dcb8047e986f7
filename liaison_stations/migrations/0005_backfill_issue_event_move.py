"""Name the move of every issue event recorded before IssueEvent.move existed,
from its old and new status (each pair of states had exactly one move; the
opening event from how the issue came in)."""
from django.db import migrations

# (old status, new status) -> move; old "" is the opening event.
PAIRS = [
    ("open", "answered", "answer"),
    ("open", "forwarded", "forward"),
    ("open", "suggestion", "take_up_as_suggestion"),
    ("forwarded", "feedback", "feed_back"),
    ("feedback", "forwarded", "re_forward"),
    ("open", "closed", "close"),
    ("answered", "closed", "close"),
    ("feedback", "closed", "close"),
    ("suggestion", "closed", "close"),
]
OPENING = [("visit", "register_at_visit"), ("message", "leave_message")]


def name_moves(apps, schema_editor):
    IssueEvent = apps.get_model("liaison_stations", "IssueEvent")
    unnamed = IssueEvent.objects.filter(move="")
    for old, new, move in PAIRS:
        unnamed.filter(old_status=old, new_status=new).update(move=move)
    for source, move in OPENING:
        unnamed.filter(old_status="", new_status="open", issue__source=source).update(move=move)


class Migration(migrations.Migration):

    dependencies = [
        ("liaison_stations", "0004_issue_event_move"),
    ]

    operations = [
        migrations.RunPython(name_moves, migrations.RunPython.noop),
    ]
