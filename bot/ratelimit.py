"""Rate limiting per identity and per IP (sign-in, pairing codes, chat messages).

Framework-free: the web server, the pairing API and the Rasa channels call :func:`get_limiter`
and :meth:`RateLimiter.hit` with a *scope* (what is limited) and a *key* (who: an IP address,
a policyholder, a channel account). Each (scope, key) pair is a **token bucket**: ``capacity``
requests at once, refilled at ``capacity / period`` per second, so a person who pauses gets
their allowance back smoothly.

Backends:

- in memory (default): one process; bounded size (full buckets are dropped first);
- Redis (when ``REDIS_URL`` is set): the bucket lives in Redis and is updated by one Lua script,
  atomically, so every replica shares the same limits. If Redis fails, the limiter falls back to
  its memory bucket for that call (logged) rather than refusing everybody or crashing.

Limits come from the settings (``settings.ratelimit``, documented in ``.env.example``):
``RATE_LIMIT_<SCOPE>`` = ``"<count>/<seconds>"``, or ``off`` to disable one scope. The clock is
injectable for tests.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Tuple

from bot.settings import RateLimitSettings, Settings, get_settings, variable

logger = logging.getLogger(__name__)

# scope -> default limit (``RATE_LIMIT_<SCOPE>``, declared with what it limits in bot/settings.py).
# Defaults protect against floods and guessing, and stay far above what a person (or the
# end-to-end test suites, all from 127.0.0.1) ever sends.
DEFAULTS: Dict[str, str] = RateLimitSettings().scopes()
MAX_MEMORY_KEYS = 100_000


class LimitSpecError(ValueError):
    pass


@dataclass(frozen=True)
class Limit:
    capacity: int
    period: float  # seconds to refill a full bucket

    @property
    def rate(self) -> float:
        return self.capacity / self.period

    @classmethod
    def parse(cls, spec: str) -> Optional["Limit"]:
        """``"30/60"`` -> 30 per 60 s; ``"off"``/``"0"`` -> None (no limit)."""
        text = (spec or "").strip().lower()
        if text in {"off", "0", "none", "false"}:
            return None
        try:
            count, _, seconds = text.partition("/")
            limit = cls(int(count), float(seconds or 60))
        except ValueError as exc:
            raise LimitSpecError(f"rate limit must look like '30/60' (count/seconds), got {spec!r}") from exc
        if limit.capacity < 1 or limit.period <= 0:
            raise LimitSpecError(f"rate limit must be positive, got {spec!r}")
        return limit


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0  # whole seconds until one more request is allowed (0 when allowed)
    scope: str = ""

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(True)


def load_limits(settings: Optional[Settings] = None) -> Dict[str, Optional[Limit]]:
    """The limit of every scope (None: no limit), from ``settings.ratelimit``."""
    section = (settings or get_settings()).ratelimit
    limits: Dict[str, Optional[Limit]] = {}
    for scope, spec in section.scopes().items():
        try:
            limits[scope] = Limit.parse(spec)
        except LimitSpecError as exc:
            raise LimitSpecError(f"{variable(section, scope).name}: {exc}") from None
    return limits


class MemoryBackend:
    def __init__(self, max_keys: int = MAX_MEMORY_KEYS) -> None:
        self._buckets: Dict[str, Tuple[float, float]] = {}
        self._lock = threading.Lock()
        self.max_keys = max_keys

    def take(self, key: str, limit: Limit, now: float, cost: float = 1.0) -> Tuple[bool, float]:
        """(allowed, seconds until ``cost`` tokens are available)."""
        with self._lock:
            tokens, last = self._buckets.get(key, (float(limit.capacity), now))
            tokens = min(float(limit.capacity), tokens + max(0.0, now - last) * limit.rate)
            allowed = tokens >= cost
            if allowed:
                tokens -= cost
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > self.max_keys:
                self._evict(now, limit)
            return allowed, 0.0 if allowed else (cost - tokens) / limit.rate

    def _evict(self, now: float, limit: Limit) -> None:
        # buckets untouched for a full period are full again: forgetting them changes nothing
        stale = [k for k, (_, last) in self._buckets.items() if now - last >= limit.period]
        for k in stale or list(self._buckets)[: len(self._buckets) // 10]:
            self._buckets.pop(k, None)


_LUA = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local ttl = tonumber(ARGV[5])
local state = redis.call('HMGET', KEYS[1], 't', 'ts')
local tokens = tonumber(state[1]) or capacity
local last = tonumber(state[2]) or now
local elapsed = now - last
if elapsed < 0 then elapsed = 0 end
tokens = math.min(capacity, tokens + elapsed * rate)
local allowed = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], ttl)
return {allowed, tostring(tokens)}
"""


class RedisBackend:
    """Token buckets in Redis, shared by every replica (one atomic Lua script per hit)."""

    def __init__(self, url: str, prefix: str = "ratelimit:", client: Any = None) -> None:
        if client is None:
            import redis

            client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.client = client
        self.prefix = prefix
        self._script = client.register_script(_LUA)
        self._fallback = MemoryBackend()

    def take(self, key: str, limit: Limit, now: float, cost: float = 1.0) -> Tuple[bool, float]:
        try:
            allowed, tokens = self._script(keys=[self.prefix + key],
                                           args=[limit.capacity, repr(limit.rate), repr(now), cost,
                                                 int(math.ceil(limit.period)) + 1])
        except Exception as exc:  # noqa: BLE001 - Redis down: limit locally rather than fail
            logger.warning("rate limit store unavailable (%s); limiting in memory", type(exc).__name__)
            return self._fallback.take(key, limit, now, cost)
        tokens = float(tokens)
        return bool(int(allowed)), 0.0 if int(allowed) else (cost - tokens) / limit.rate


class RateLimiter:
    def __init__(self, limits: Mapping[str, Optional[Limit]], backend: Any = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.limits = dict(limits)
        self.backend = backend if backend is not None else MemoryBackend()
        self.clock = clock

    def hit(self, scope: str, key: Any) -> Decision:
        """Count one request of ``key`` in ``scope``; unknown or disabled scopes always allow."""
        limit = self.limits.get(scope)
        if limit is None:
            return ALLOWED
        allowed, wait = self.backend.take(f"{scope}:{key}", limit, float(self.clock()))
        if allowed:
            return ALLOWED
        return Decision(False, max(1, int(math.ceil(wait))), scope)

    def check(self, *hits: Tuple[str, Any]) -> Decision:
        """Count one request in each (scope, key); refused if any bucket is empty (longest wait)."""
        refused = [d for d in (self.hit(scope, key) for scope, key in hits if key is not None) if not d.allowed]
        return max(refused, key=lambda d: d.retry_after) if refused else ALLOWED

    async def acheck(self, *hits: Tuple[str, Any]) -> Decision:
        """:meth:`check` for async servers: a Redis round trip runs off the event loop."""
        if isinstance(self.backend, MemoryBackend):
            return self.check(*hits)
        import asyncio

        return await asyncio.to_thread(self.check, *hits)


def from_settings(settings: Optional[Settings] = None, clock: Callable[[], float] = time.time) -> RateLimiter:
    settings = settings or get_settings()
    url = (settings.ratelimit.redis_url or settings.lock.redis_url or "").strip()
    # REDIS_KEY_PREFIX separates deployments sharing one Redis (as for the lock store)
    backend = RedisBackend(url, prefix=f"{settings.lock.key_prefix}ratelimit:") if url else MemoryBackend()
    return RateLimiter(load_limits(settings), backend, clock)


_limiter: Optional[RateLimiter] = None
_limiter_lock = threading.Lock()


def get_limiter() -> RateLimiter:
    """The process-wide limiter, built from the settings on first use."""
    global _limiter
    with _limiter_lock:
        if _limiter is None:
            _limiter = from_settings()
        return _limiter


def reset_limiter(limiter: Optional[RateLimiter] = None) -> None:
    """Replace (tests) or forget (next call rebuilds from the settings) the process-wide limiter."""
    global _limiter
    with _limiter_lock:
        _limiter = limiter


def client_ip(peer: Optional[str], forwarded_for: Optional[str] = None,
              trust_forwarded: Optional[bool] = None) -> str:
    """The client address: the peer, or, behind a trusted reverse proxy (``RATE_LIMIT_TRUST_PROXY=1``),
    the last address the proxy appended to ``X-Forwarded-For`` (earlier ones are client-controlled)."""
    if trust_forwarded is None:
        trust_forwarded = get_settings().ratelimit.trust_proxy
    if trust_forwarded and forwarded_for:
        last = forwarded_for.split(",")[-1].strip()
        if last:
            return last[:64]
    return (peer or "unknown")[:64]


def scopes() -> Iterable[str]:
    return DEFAULTS.keys()


def http_refusal(decision: Decision) -> Tuple[Dict[str, str], Dict[str, str]]:
    """(JSON body, headers) of the HTTP 429 answer: a French message and ``Retry-After``."""
    from bot.wording.core import too_many_requests

    seconds = max(1, int(decision.retry_after))
    return {"error": too_many_requests(seconds)}, {"Retry-After": str(seconds)}
