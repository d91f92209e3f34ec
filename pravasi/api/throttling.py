"""Rate limits for the API: the general anonymous and per-user rates, and a stricter one for registry search."""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class RegistrySearchThrottle(UserRateThrottle):
    """Searching people (by name, passport or mobile) is limited well below the general user rate."""

    scope = "registry_search"
    # Declared here rather than in settings so the limit travels with the endpoint.
    rate = "30/min"


DEFAULT_THROTTLES = [AnonRateThrottle, UserRateThrottle]
