from .client_ip import client_ip_address
from .context import client_ip


class RequestContextMiddleware:
    """Makes the client address available to the audit trail for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_ip.set(client_ip_address(request))
        try:
            return self.get_response(request)
        finally:
            client_ip.reset(token)
