"""The accounts app's background jobs, loaded by `manage.py run_huey` (it imports every installed
app's `tasks` module): the email digests of notifications (cases/services/digests.py).

The daily digests go out every morning at DAILY_DIGESTS_AT, the weekly ones on Monday
mornings at WEEKLY_DIGESTS_AT, in UTC; each run covers what came since the last one, so a run
the worker missed (it was down) is caught up by the next.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from accounts.models import DigestPreference
from cases.services.digests import send_digests

logger = logging.getLogger(__name__)

DAILY_DIGESTS_AT = {"hour": "6", "minute": "30"}
WEEKLY_DIGESTS_AT = {"day_of_week": "1", "hour": "6", "minute": "45"}
DIGESTS_LOCK_SECONDS = 2 * 3600


@db_periodic_task(crontab(**DAILY_DIGESTS_AT))
# One run at a time, even with several workers; the lock expires should a worker die in a run.
@lock_task("daily-digests", ttl=DIGESTS_LOCK_SECONDS)
def send_daily_digests() -> int:
    sent = send_digests(frequency=DigestPreference.Frequency.DAILY)
    logger.info("Daily digests: %d emails queued.", sent)
    return sent


@db_periodic_task(crontab(**WEEKLY_DIGESTS_AT))
@lock_task("weekly-digests", ttl=DIGESTS_LOCK_SECONDS)
def send_weekly_digests() -> int:
    sent = send_digests(frequency=DigestPreference.Frequency.WEEKLY)
    logger.info("Weekly digests: %d emails queued.", sent)
    return sent
