"""Django's Redis cache, with one Redis client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` for every cache
call, and redis-py's constructor copies its table of about 170 response callbacks each
time: measured at 0.3 to 0.7 ms a call, one to three calls a request (sessions, route
cache, rate limits). A ``redis.Redis`` is safe to share between threads (it takes a
connection from its pool for each command), so one per pool does the same work.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def redis_client(self):
        """The ``redis.Redis`` behind the cache (writes), for what the cache's API cannot
        say: the API's rate limits run a script (``mectofitness.core.api``). Keys made
        with ``make_key`` are this cache's own (``cache.clear()`` deletes them)."""
        return self._cache.get_client(write=True)
