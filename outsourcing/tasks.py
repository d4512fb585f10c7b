"""The site's own background jobs, for `manage.py run_huey`, which imports every installed
app's `tasks` module: a worker must know a job's function before it can run it."""

from outsourcing.mail import deliver_email

__all__ = ["deliver_email"]
