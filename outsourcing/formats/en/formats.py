"""English dates day first, with a 24-hour clock, like the German ones (Django's "en" is
American: "Nov. 29, 2026, 2:05 p.m."). Numbers and input formats stay Django's."""

DATE_FORMAT = "j F Y"  # 29 November 2026
TIME_FORMAT = "H:i"  # 14:05
DATETIME_FORMAT = "j F Y, H:i"  # 29 November 2026, 14:05
YEAR_MONTH_FORMAT = "F Y"  # November 2026
MONTH_DAY_FORMAT = "j F"  # 29 November
SHORT_DATE_FORMAT = "j M Y"  # 29 Nov 2026
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 29 Nov 2026, 14:05
FIRST_DAY_OF_WEEK = 1  # Monday
