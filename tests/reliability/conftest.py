"""One Rasa server and one action server whose every dependency can be cut, slowed and restored.

    test ──REST──► Rasa ──► action LB (NetProxy) ──► action server ──► claims proxy ──► PostgreSQL
                    ├────► tracker proxy ──► PostgreSQL (fresh database)
                    └────► Redis proxy ──► Redis (own key prefix)

The machine's PostgreSQL and Redis are shared and never stopped: the proxies are.
Time bounds are short here so that the tests run fast; production defaults are in docs/configuration.md.
"""
from __future__ import annotations

import pytest

from tests.scale import cluster as cl
from tests.scale.netproxy import NetProxy

BOUNDS = {
    "ACTION_TIMEOUT_SECONDS": "3",
    "REPLY_DEADLINE_SECONDS": "10",
    "STORE_TIMEOUT_SECONDS": "2",
    "TRACKER_RETRY_SECONDS": "3",
    "LOCK_SOCKET_TIMEOUT_SECONDS": "2",
    "DB_CONNECT_TIMEOUT_SECONDS": "2",
}


@pytest.fixture(scope="session")
def rig(tmp_path_factory):
    reason = cl.unavailable()
    if reason:
        pytest.skip(reason)
    proxies = {
        "tracker": NetProxy([(cl.PG["host"], cl.PG["port"])]),
        "claims": NetProxy([(cl.PG["host"], cl.PG["port"])]),
        "redis": NetProxy([cl.REDIS]),
    }
    try:
        cluster = cl.start_cluster(tmp_path_factory.mktemp("reliability"), rasa_replicas=1, action_replicas=1,
                                   prefix="reliab", extra_env=BOUNDS,
                                   via={name: proxy.port for name, proxy in proxies.items()})
    except BaseException:
        for proxy in proxies.values():
            proxy.close()
        raise
    cluster.proxies = {**proxies, "actions": cluster.action_lb}
    yield cluster
    for proxy in proxies.values():
        proxy.close()
    cluster.stop()  # closes the action LB too


@pytest.fixture(autouse=True)
def _all_up(request):
    """Every test starts and ends with every dependency up (a failed test must not break the next)."""
    yield
    if "rig" in request.fixturenames:
        for proxy in request.getfixturevalue("rig").proxies.values():
            proxy.restore()
