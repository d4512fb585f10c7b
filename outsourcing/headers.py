"""Response headers that neither Django nor the installed packages set.

Cross-Origin-Resource-Policy: no other site may embed our responses (pages, fragments, static
files) as images, scripts, styles or frames. The value is settings.CROSS_ORIGIN_RESOURCE_POLICY
("same-origin"); a view that sets the header itself keeps its own value.
"""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings

HEADER = "Cross-Origin-Resource-Policy"


class CrossOriginResourcePolicyMiddleware:
    """Above whitenoise in MIDDLEWARE, so that static files get the header too."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.async_mode:
            return self.__acall__(request)
        return self.add_header(self.get_response(request))

    async def __acall__(self, request):
        return self.add_header(await self.get_response(request))

    @staticmethod
    def add_header(response):
        value = getattr(settings, "CROSS_ORIGIN_RESOURCE_POLICY", "same-origin")
        if value:
            response.headers.setdefault(HEADER, value)
        return response
