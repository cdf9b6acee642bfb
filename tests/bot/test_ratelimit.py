"""Rate limiting (bot/ratelimit.py): token buckets, env configuration, Redis sharing, French 429 text."""
import threading
import uuid

import pytest

from bot import ratelimit
from bot.ratelimit import Limit, LimitSpecError, MemoryBackend, RateLimiter, RedisBackend
from bot.settings import load_settings


def settings_of(env):
    """The settings of ``env`` (secrets given: nothing is written under var/)."""
    return load_settings({"JWT_SECRET": "j" * 40, "RASA_API_TOKEN": "t" * 40, **env})


class Clock:
    def __init__(self, t: float = 1_000_000.0) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def limiter(spec="3/60", backend=None, clock=None, scope="s"):
    return RateLimiter({scope: Limit.parse(spec)}, backend or MemoryBackend(), clock or Clock())


def test_bucket_allows_burst_then_refuses_with_retry_after():
    clock = Clock()
    rl = limiter("3/60", clock=clock)
    assert [rl.hit("s", "a").allowed for _ in range(4)] == [True, True, True, False]
    refused = rl.hit("s", "a")
    assert not refused and refused.retry_after == 20 and refused.scope == "s"  # one token every 20 s


def test_bucket_refills_with_time():
    clock = Clock()
    rl = limiter("3/60", clock=clock)
    for _ in range(3):
        rl.hit("s", "a")
    assert not rl.hit("s", "a")
    clock.t += 19
    assert not rl.hit("s", "a")
    clock.t += 2
    assert rl.hit("s", "a")
    assert not rl.hit("s", "a")
    clock.t += 600  # a long pause gives the whole burst back, never more
    assert [rl.hit("s", "a").allowed for _ in range(4)] == [True, True, True, False]


def test_keys_and_scopes_are_independent():
    rl = RateLimiter({"x": Limit(1, 60), "y": Limit(1, 60)}, MemoryBackend(), Clock())
    assert rl.hit("x", "ip1") and rl.hit("x", "ip2") and rl.hit("y", "ip1")
    assert not rl.hit("x", "ip1")


def test_disabled_or_unknown_scope_always_allows():
    rl = RateLimiter({"off": None}, MemoryBackend(), Clock())
    assert all(rl.hit("off", "k") for _ in range(1000))
    assert all(rl.hit("never-configured", "k") for _ in range(1000))


def test_check_counts_every_bucket_and_reports_the_longest_wait():
    rl = RateLimiter({"ip": Limit(5, 60), "who": Limit(1, 60)}, MemoryBackend(), Clock())
    assert rl.check(("ip", "1.2.3.4"), ("who", "ph:1"))
    refused = rl.check(("ip", "1.2.3.4"), ("who", "ph:1"))
    assert not refused and refused.scope == "who" and refused.retry_after == 60
    # another identity from the same IP still gets through until the IP bucket is empty
    assert rl.check(("ip", "1.2.3.4"), ("who", "ph:2"))
    # a None key (e.g. no identity yet) is skipped, not counted as one shared bucket
    assert rl.check(("who", None)) and rl.check(("who", None))


def test_concurrent_hits_never_exceed_capacity():
    rl = limiter("50/3600")
    allowed = []

    def worker():
        for _ in range(20):
            allowed.append(rl.hit("s", "same").allowed)

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(allowed) == 50


def test_memory_backend_stays_bounded():
    backend = MemoryBackend(max_keys=100)
    clock = Clock()
    rl = limiter("1/1", backend=backend, clock=clock)
    for i in range(1000):
        clock.t += 2
        rl.hit("s", f"ip{i}")
    assert len(backend._buckets) <= 101


@pytest.mark.parametrize("spec,expected", [("30/60", Limit(30, 60.0)), (" 5/600 ", Limit(5, 600.0)),
                                           ("10", Limit(10, 60.0)), ("off", None), ("0", None)])
def test_limit_spec_parsing(spec, expected):
    assert Limit.parse(spec) == expected


@pytest.mark.parametrize("spec", ["abc", "-1/60", "5/0", "5/x", "1.5/60"])
def test_bad_limit_spec_is_an_error(spec):
    with pytest.raises(LimitSpecError):
        Limit.parse(spec)


def test_limits_from_env_with_defaults():
    limits = ratelimit.load_limits(settings_of({"RATE_LIMIT_LOGIN_IP": "2/10", "RATE_LIMIT_MESSAGES_IP": "off"}))
    assert limits["login_ip"] == Limit(2, 10.0)
    assert limits["messages_ip"] is None
    assert limits["messages_identity"] == Limit.parse(ratelimit.DEFAULTS["messages_identity"])
    assert set(limits) == set(ratelimit.DEFAULTS)


def test_product_defaults_protect_but_leave_room_for_people():
    limits = ratelimit.load_limits(settings_of({}))
    assert all(limit is not None for limit in limits.values())
    per_minute = {scope: limit.capacity * 60 / limit.period for scope, limit in limits.items()}
    assert 30 <= per_minute["messages_identity"] <= 600  # a person types far less; a flood is cut
    assert per_minute["login_ip"] <= 60 and limits["pairing_redeem"].capacity <= 20


def test_http_refusal_is_french_with_retry_after():
    body, headers = ratelimit.http_refusal(ratelimit.Decision(False, 42, "login_ip"))
    assert headers == {"Retry-After": "42"}
    assert "Réessayez dans 42 secondes" in body["error"]


def test_client_ip_trusts_forwarded_for_only_when_told():
    assert ratelimit.client_ip("10.0.0.1", "6.6.6.6, 1.2.3.4", trust_forwarded=False) == "10.0.0.1"
    # behind a trusted proxy, the proxy appends the real client: earlier entries are client-forged
    assert ratelimit.client_ip("10.0.0.1", "6.6.6.6, 1.2.3.4", trust_forwarded=True) == "1.2.3.4"
    assert ratelimit.client_ip(None, None, trust_forwarded=True) == "unknown"


def test_env_builds_memory_backend_without_redis():
    rl = ratelimit.from_settings(settings_of({"RATE_LIMIT_LOGIN_IP": "1/60"}), clock=Clock())
    assert isinstance(rl.backend, MemoryBackend)
    assert rl.hit("login_ip", "x") and not rl.hit("login_ip", "x")


# --- Redis: replicas share the same buckets ---------------------------------------------------------

@pytest.fixture()
def redis_url():
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except Exception:  # noqa: BLE001
        pytest.skip("no Redis on 127.0.0.1:6379")
    return url


def test_redis_backend_is_shared_by_two_replicas(redis_url):
    prefix = f"test-rl-{uuid.uuid4().hex}:"
    clock = Clock()
    one = RateLimiter({"s": Limit(3, 60)}, RedisBackend(redis_url, prefix=prefix), clock)
    two = RateLimiter({"s": Limit(3, 60)}, RedisBackend(redis_url, prefix=prefix), clock)
    assert one.hit("s", "ip") and two.hit("s", "ip") and one.hit("s", "ip")
    refused = two.hit("s", "ip")
    assert not refused and refused.retry_after == 20
    clock.t += 21
    assert two.hit("s", "ip") and not one.hit("s", "ip")
    ttl = one.backend.client.ttl(prefix + "s:ip")
    assert 0 < ttl <= 61  # keys expire: Redis does not fill up with old IPs
    one.backend.client.delete(prefix + "s:ip")


def test_redis_down_falls_back_to_memory_limits():
    pytest.importorskip("redis")
    backend = RedisBackend("redis://127.0.0.1:1/0")  # nothing listens on port 1
    rl = RateLimiter({"s": Limit(2, 60)}, backend, Clock())
    assert [rl.hit("s", "ip").allowed for _ in range(3)] == [True, True, False]


def test_env_uses_redis_when_redis_url_is_set(redis_url):
    rl = ratelimit.from_settings(settings_of({"REDIS_URL": redis_url}))
    assert isinstance(rl.backend, RedisBackend)
