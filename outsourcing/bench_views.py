"""The benchmark's floor page and its measuring middleware (outsourcing.bench_settings only).

The floor is the plainest useful Django page: 20 rows of one paginated query with their
category, rendered by a small template, through the same middleware as every page. Pages are
measured as a share of its requests per second, in the same run (bench/README.md).
"""

import time

from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.template import engines

from cases.models import Case

FLOOR_TEMPLATE = engines["django"].from_string(
    """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Cases, page {{ page.number }}</title></head>
<body>
<h1>Cases</h1>
<table>
<thead><tr><th>Case</th><th>Decision</th><th>Category</th><th>Published</th></tr></thead>
<tbody>
{% for case in page %}<tr>
<td><a href="/cases/{{ case.slug }}/">{{ case.title }}</a></td>
<td>{{ case.decision }}</td>
<td>{{ case.category.name }}</td>
<td>{{ case.published_at|date:"Y-m-d" }}</td>
</tr>
{% endfor %}</tbody>
</table>
<p>Page {{ page.number }} of {{ page.paginator.num_pages }}
{% if page.has_next %}<a href="?page={{ page.next_page_number }}">next</a>{% endif %}</p>
</body>
</html>
"""
)


def floor(request: HttpRequest) -> HttpResponse:
    cases = Case.objects.filter(status=Case.Status.PUBLISHED).select_related("category")
    page = Paginator(cases.order_by("-published_at", "-id"), 20).get_page(request.GET.get("page"))
    return HttpResponse(FLOOR_TEMPLATE.render({"page": page}, request))


class BenchHeadersMiddleware:
    """Adds `X-Bench-Queries` (SQL statements the request ran) and `X-Bench-Time` (ms in
    Django, middleware included) to every response, measured in the real server."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        started = time.perf_counter()
        with connection.execute_wrapper(count):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(queries)
        response["X-Bench-Time"] = f"{(time.perf_counter() - started) * 1000:.1f}"
        return response
