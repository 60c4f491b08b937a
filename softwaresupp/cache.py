"""A Redis cache that keeps answering while Redis is down.

The cache holds allauth's rate-limit counters, which sign-in reads on every attempt: with
a plain RedisCache, a Redis outage turns every sign-in into a 500. Here each operation that
cannot reach Redis falls back to this process's memory, so people keep signing in and the
rate limits still hold per process until Redis returns (then its counters apply again).
"""

import functools
import logging

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
OPERATIONS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


def _falls_back(name):
    redis_operation = getattr(RedisCache, name)

    @functools.wraps(redis_operation)
    def operation(self, *args, **kwargs):
        try:
            return redis_operation(self, *args, **kwargs)
        except UNREACHABLE as error:
            logger.warning("Cache %s: Redis unreachable (%s); using process memory", name, error)
            return getattr(self.fallback, name)(*args, **kwargs)

    return operation


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self.fallback = LocMemCache(f"redis-fallback-{id(self)}", params)


for _name in OPERATIONS:
    setattr(ResilientRedisCache, _name, _falls_back(_name))
