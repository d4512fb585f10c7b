"""The cases app's background jobs, loaded by `manage.py run_huey` (it imports every installed
app's `tasks` module).

The opinion groups are found again every night by the worker (never in a request), at
OPINION_GROUPS_AT in UTC, before the open-data files are built (03:30): at 2,000 readers ×
10,000 cases with 1,000,000 votes a run takes seconds, and groups that move a little a day need
no more. `manage.py compute_opinion_groups` runs the same at once.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from cases.services.opinion_groups import compute_opinion_groups

logger = logging.getLogger(__name__)

OPINION_GROUPS_AT = {"hour": "2", "minute": "45"}
OPINION_GROUPS_LOCK_SECONDS = 6 * 3600


@db_periodic_task(crontab(**OPINION_GROUPS_AT))
# One run at a time, even with several workers; the lock expires should a worker die in a run.
@lock_task("compute-opinion-groups", ttl=OPINION_GROUPS_LOCK_SECONDS)
def compute_opinion_groups_nightly() -> None:
    computed = compute_opinion_groups()
    logger.info(
        "Opinion groups: %d groups of %d readers on %d cases in %.1f s.",
        computed.run.k, computed.run.readers, computed.run.cases, computed.run.seconds,
    )  # fmt: skip
