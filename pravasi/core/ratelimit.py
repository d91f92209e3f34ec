"""A small fixed-window rate limit on the configured cache (Redis in production, local memory by default)."""

from __future__ import annotations

import time

from django.core.cache import cache


def allow(key: str, *, limit: int, window_seconds: int) -> bool:
    """Counts one hit on `key`; False once the window holds more than `limit` hits."""
    bucket = f"ratelimit:{key}:{int(time.time() // window_seconds)}"
    if cache.add(bucket, 1, timeout=window_seconds + 5):
        return True
    try:
        return cache.incr(bucket) <= limit
    except ValueError:  # expired between add and incr
        cache.add(bucket, 1, timeout=window_seconds + 5)
        return True
