"""The site's own background jobs, for `manage.py run_huey`, which imports every installed
app's `tasks` module: a worker must know a job's function before it can run it."""

from cases.open_data import build_open_data_nightly
from outsourcing.mail import deliver_email

__all__ = ["build_open_data_nightly", "deliver_email"]
