"""bench/latency.py: the load generator counts what it sends and every kind of error, and the quick
mode runs end to end against the real stack and writes the JSON the README describes. No speed is
asserted: the machine is shared."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from aiohttp import web

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import latency  # noqa: E402

from tests.runtimes import python_for  # noqa: E402


async def _fake_bot(behaviour):
    """A local REST endpoint answering like Rasa, with scripted failures; returns (runner, url, seen)."""
    seen = []

    async def webhook(request):
        body = await request.json()
        seen.append((body["sender"], body["message"], request.headers.get("Authorization")))
        return behaviour(len(seen))

    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, f"http://127.0.0.1:{port}/webhooks/rest/webhook", seen


def _scripted(n):
    if n % 5 == 0:
        return web.json_response({"error": "boom"}, status=500)
    if n % 7 == 0:
        return web.json_response([])
    if n % 11 == 0:
        return web.json_response([{"text": "Je suis désolé, je n'arrive pas à lire vos dossiers pour le moment."}])
    return web.json_response([{"recipient_id": "x", "text": "Bonjour !"}])


def test_saturation_counts_messages_and_every_kind_of_error():
    async def run():
        runner, url, seen = await _fake_bot(_scripted)
        try:
            system = SimpleNamespace(name="fake", webhooks=[url], tokens={1: "t1", 2: "t2", 3: "t3"})
            return await latency.saturation(system, conversations=3, messages=20), seen
        finally:
            await runner.cleanup()

    result, seen = asyncio.run(run())
    assert result["messages"] == len(seen) == 60
    n = range(1, 61)
    http = sum(1 for i in n if i % 5 == 0)
    empty = sum(1 for i in n if i % 5 and i % 7 == 0)
    apology = sum(1 for i in n if i % 5 and i % 7 and i % 11 == 0)
    assert result["error_kinds"] == {"http 500": http, "empty reply": empty, "store apology": apology}
    assert result["errors"] == http + empty + apology and result["ok"] == 60 - result["errors"]
    assert result["db_backed_share"] == 0.5
    assert {s[2] for s in seen} == {"Bearer t1", "Bearer t2", "Bearer t3"}
    # each conversation keeps one sender id and follows its company's script in order
    senders = {}
    for sender, text, _ in seen:
        senders.setdefault(sender, []).append(text)
    assert len(senders) == 3 and all(len(texts) == 20 for texts in senders.values())
    for texts in senders.values():
        script = [t for t, _ in latency.script_for(1)] + [t for t, _ in latency.script_for(2)] \
            + [t for t, _ in latency.script_for(3)]
        assert all(t in script for t in texts)
    assert result["p50_ms"] is not None and result["msgs_per_s"] > 0


def test_open_loop_sends_poisson_arrivals_and_counts_connection_errors():
    async def run():
        runner, url, seen = await _fake_bot(lambda n: web.json_response([{"text": "ok"}]))
        try:
            system = SimpleNamespace(name="fake", webhooks=[url, "http://127.0.0.1:9/webhooks/rest/webhook"],
                                     tokens={})
            return await latency.open_loop(system, rate=40.0, duration=1.5, conversations=10), seen
        finally:
            await runner.cleanup()

    result, seen = asyncio.run(run())
    # Poisson(60) arrivals, alternately sent to a live and a closed port
    assert 25 <= result["messages"] <= 100
    assert result["ok"] == len(seen) and seen and all(s[2] is None for s in seen)
    assert result["errors"] == result["messages"] - len(seen) > 0
    assert set(result["error_kinds"]) == {"ClientConnectorError"}
    assert result["rate_target"] == 40.0 and result["achieved_rate"] > 0


def test_hostile_clients_send_the_costly_messages_while_the_open_loop_is_measured():
    async def run():
        runner, url, seen = await _fake_bot(
            lambda n: web.json_response({"error": "trop long"}, status=413) if n % 2 else web.json_response([{"text": "ok"}]))
        try:
            system = SimpleNamespace(name="fake", webhooks=[url], tokens={})
            return await latency.open_loop_with_hostiles(system, rate=20.0, duration=1.0, hostiles=2), seen
        finally:
            await runner.cleanup()

    result, seen = asyncio.run(run())
    hostile = [text for sender, text, _ in seen if sender.startswith("hostile-")]
    assert hostile and set(hostile) <= set(latency.HOSTILE_TEXTS) and max(map(len, hostile)) >= 1000
    assert len({sender for sender, _, _ in seen if sender.startswith("hostile-")}) == 2
    assert sum(result["hostile_statuses"].values()) == len(hostile) and result["hostile_clients"] == 2
    assert result["messages"] > 0 and "p95_ms" in result


def test_script_mixes_general_and_store_backed_messages():
    for policyholder in (1, 2, 3):
        script = latency.script_for(policyholder)
        assert len(script) == 10 and sum(db for _, db in script) == 5
        assert [db for _, db in script] == [False, True] * 5


def test_quick_run_against_the_real_stack_writes_the_report(tmp_path):
    if not (ROOT / "models" / "assistant.tar.gz").exists():
        pytest.skip("models/assistant.tar.gz missing: run `make train`")
    # the benches run on the Rasa environment (matplotlib, the rasa CLI); the stack's servers each on their own
    proc = subprocess.run([python_for("rasa"), str(ROOT / "bench" / "latency.py"), "--quick", "--out", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    report = json.loads((tmp_path / "latency_quick.json").read_text())
    assert (tmp_path / "latency_quick.png").stat().st_size > 10_000
    assert report["quick"] is True and set(report["systems"]) == {"single"}
    assert {"machine", "loadavg_start", "loadavg_end", "params", "verdicts", "errors_total"} <= set(report)
    single = report["systems"]["single"]
    sat, ol, mem = single["saturation"], single["open_loop"], single["memory"]
    assert sat["messages"] == report["params"]["conversations"] * report["params"]["messages"]
    for phase in (sat, ol):
        assert {"p50_ms", "p95_ms", "p99_ms", "errors", "error_kinds", "loadavg_before", "loadavg_after"} <= set(phase)
        assert phase["errors"] == sum(phase["error_kinds"].values())
        assert phase["ok"] + phase["errors"] == phase["messages"]
    mix = single["hostile_mix"]  # the hostile message mix (issue #17): the others' p95 with hostile clients
    assert mix["hostile_clients"] == 1 and sum(mix["hostile_statuses"].values()) > 0
    # refused politely (too long, or too many long ones), never 5xx
    assert set(mix["hostile_statuses"]) <= {"200", "413", "429"}, mix["hostile_statuses"]
    assert mix["p95_ms_without"] == ol["p95_ms"] and mix["p95_ms_with"] is not None
    assert {"hostile_mix_p95_ratio", "hostile_mix_met"} <= set(report["verdicts"]["single"])
    assert report["errors_total"] == sat["errors"] + ol["errors"] + mix["errors"]
    assert {"rasa-1", "actions"} <= set(mem["peak_under_load_mib"])
    assert all(v > 10 for v in mem["peak_under_load_mib"].values())
    assert report["verdicts"]["single"]["errors"] == report["errors_total"]
