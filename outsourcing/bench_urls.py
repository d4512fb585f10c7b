"""The site's URLs plus the benchmark's floor page; used only by outsourcing.bench_settings."""

from django.urls import include, path

from outsourcing import bench_views
from outsourcing import urls as site_urls

urlpatterns = [
    path("bench/floor/", bench_views.floor, name="bench_floor"),
    path("", include(site_urls)),
]

# The site's error views (handler400, …) stay as they are.
globals().update({name: getattr(site_urls, name) for name in dir(site_urls) if "handler" in name})
