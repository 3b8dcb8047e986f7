"""Creates the periodic tasks in django-celery-beat's tables (idempotent).

A schedule staff have already edited in the admin (time of day, enabled) is
left as it is; only missing ones are created. The monthly notice runs daily and
sends on the policy's notice day (NotificationPolicy.monthly_notice_day), so
staff change the day in one place."""
import json

from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

TIME_ZONE = "Asia/Shanghai"

# name, task, schedule (("crontab", minute, hour) or ("every", seconds)), description
SCHEDULES = [
    ("提醒扫描", "congress_portal.notifications.tasks.scan_reminders", ("crontab", "0", "8"),
     "每天上午8时扫描到期事项，向承办单位和代表发送提醒（每项每阶段只发一次）。"),
    ("月度进度通报", "suggestions.tasks.send_monthly_notices", ("crontab", "30", "8"),
     "每天检查；到“提醒与通报设置”中的通报日时，向各承办单位发送月度进度通报并向工作人员发送汇总。"),
    ("办理结果通报", "suggestions.tasks.send_results_notices", ("crontab", "0", "9"),
     "会议建议办理期限届满后，发送办理结果通报（每次会议只发一次）。"),
    ("消息重试与补发", "congress_portal.notifications.tasks.dispatch_due_deliveries", ("every", 60),
     "每分钟把到了重试时间的发送记录和排队丢失的发送记录重新排队。"),
]


class Command(BaseCommand):
    help = "Create the Celery beat schedules of reminders and notices (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        for name, task, schedule, description in SCHEDULES:
            if schedule[0] == "crontab":
                crontab, _ = CrontabSchedule.objects.get_or_create(
                    minute=schedule[1], hour=schedule[2], day_of_week="*", day_of_month="*",
                    month_of_year="*", timezone=TIME_ZONE,
                )
                timing = {"crontab": crontab}
            else:
                interval, _ = IntervalSchedule.objects.get_or_create(every=schedule[1], period=IntervalSchedule.SECONDS)
                timing = {"interval": interval}
            periodic, created = PeriodicTask.objects.get_or_create(
                name=name, defaults={"task": task, "description": description, "kwargs": json.dumps({}), **timing}
            )
            if not created and periodic.task != task:
                periodic.task = task
                periodic.save(update_fields=["task"])
            self.stdout.write(f"{'created' if created else 'kept'}: {name} -> {task}")
