"""deploy/k8s: every manifest validates against the Kubernetes schemas (offline), and what the
deployment relies on holds: probes, resources, non-root, no sticky sessions, HPA targets, the
daily GDPR purge."""
from __future__ import annotations

from pathlib import Path
from typing import Dict, List

import pytest
import yaml

kubernetes_validate = pytest.importorskip("kubernetes_validate")

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
K8S_VERSION = "1.28.0"
NAMESPACE = "assistant-indemnisation"
MANIFESTS = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")


def _docs(path: Path) -> List[dict]:
    return [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]


def _all() -> List[dict]:
    return [d for p in MANIFESTS for d in _docs(p)]


def _by_kind(kind: str) -> Dict[str, dict]:
    return {d["metadata"]["name"]: d for d in _all() if d["kind"] == kind}


def _pod_specs() -> Dict[str, dict]:
    specs = {name: d["spec"]["template"]["spec"] for name, d in _by_kind("Deployment").items()}
    specs.update({name: d["spec"]["template"]["spec"] for name, d in _by_kind("Job").items()})
    specs.update({name: d["spec"]["jobTemplate"]["spec"]["template"]["spec"]
                  for name, d in _by_kind("CronJob").items()})
    return specs


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_validates_against_the_kubernetes_schema(path):
    docs = _docs(path)
    assert docs, f"{path.name} is empty"
    for doc in docs:
        try:
            kubernetes_validate.validate(doc, K8S_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{path.name}: {doc['kind']}/{doc['metadata']['name']}: "
                        f"{'.'.join(map(str, exc.path))}: {exc.message}")


def test_the_schema_checker_rejects_a_broken_manifest():
    deployment = dict(_by_kind("Deployment")["rasa"])
    broken = {**deployment, "spec": {**deployment["spec"], "replicas": "two"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, K8S_VERSION, strict=True)
    unknown_field = {**deployment, "spec": {**deployment["spec"], "sticky": True}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(unknown_field, K8S_VERSION, strict=True)


def test_kustomization_lists_every_manifest_but_the_secret_template():
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    expected = {p.name for p in MANIFESTS} - {"secret.example.yaml"}
    assert listed == expected
    assert all((K8S / name).exists() for name in listed)


def test_everything_is_namespaced_and_three_servers_are_deployed():
    for doc in _all():
        if doc["kind"] != "Namespace":
            assert doc["metadata"]["namespace"] == NAMESPACE, doc["metadata"]["name"]
    assert set(_by_kind("Deployment")) == {"rasa", "actions", "web"}
    assert _by_kind("Deployment")["rasa"]["spec"]["replicas"] >= 2


def test_long_running_containers_have_probes_resources_and_run_as_non_root():
    for name, spec in _pod_specs().items():
        pod_ctx = spec.get("securityContext", {})
        assert pod_ctx.get("runAsNonRoot") is True and pod_ctx.get("runAsUser", 0) != 0, name
        for container in spec["containers"]:
            assert ":" in container["image"] and not container["image"].endswith(":latest"), name
            ctx = container["securityContext"]
            assert ctx["allowPrivilegeEscalation"] is False and ctx["capabilities"]["drop"] == ["ALL"], name
            assert container["resources"]["requests"]["memory"] and container["resources"]["limits"]["memory"], name
    for name, deployment in _by_kind("Deployment").items():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            ports = {p["name"] for p in container["ports"]}
            for probe in ("readinessProbe", "livenessProbe"):
                assert probe in container, f"{name} has no {probe}"
                assert container[probe]["httpGet"]["port"] in ports, f"{name}: {probe} on an unknown port"


def test_configuration_comes_from_the_configmap_and_the_secret():
    config = _by_kind("ConfigMap")["assistant-config"]
    secret = _by_kind("Secret")["assistant-secrets"]
    assert {"DATABASE_URL", "TRACKER_STORE_URL", "REDIS_URL", "JWT_SECRET", "ACTION_SERVER_TOKEN"} <= set(secret["stringData"])
    assert all("CHANGE_ME" in value for value in secret["stringData"].values()), "the template holds no real secret"
    assert config["data"]["ACTION_SERVER_URL"].startswith("http://actions:5055/")
    for name, spec in _pod_specs().items():
        for container in spec["containers"]:
            refs = {next(iter(r.values()))["name"] for r in container["envFrom"]}
            assert refs == {"assistant-config", "assistant-secrets"}, name


def test_services_select_their_deployment_and_routing_is_sticky_free():
    deployments = _by_kind("Deployment")
    services = _by_kind("Service")
    for name, service in services.items():
        labels = deployments[name]["spec"]["template"]["metadata"]["labels"]
        assert service["spec"]["selector"].items() <= labels.items()
        assert service["spec"].get("sessionAffinity", "None") == "None"
        container_ports = {p["name"] for p in deployments[name]["spec"]["template"]["spec"]["containers"][0]["ports"]}
        assert {p["targetPort"] for p in service["spec"]["ports"]} <= container_ports
    ingress = _by_kind("Ingress")["assistant"]
    annotations = " ".join(f"{k}={v}" for k, v in ingress["metadata"].get("annotations", {}).items()).lower()
    assert "affinity" not in annotations and "session-cookie" not in annotations and "sticky" not in annotations
    backends = {path["path"]: path["backend"]["service"]["name"]
                for rule in ingress["spec"]["rules"] for path in rule["http"]["paths"]}
    assert backends["/webhooks"] == "rasa" and backends["/"] == "web"
    assert set(backends.values()) <= set(services)


def test_autoscalers_target_existing_deployments():
    hpas = _by_kind("HorizontalPodAutoscaler")
    assert {"rasa", "actions"} <= set(hpas)
    for hpa in hpas.values():
        target = hpa["spec"]["scaleTargetRef"]
        assert target["kind"] == "Deployment" and target["name"] in _by_kind("Deployment")
        assert 2 <= hpa["spec"]["minReplicas"] < hpa["spec"]["maxReplicas"]


def test_gdpr_purge_runs_daily_with_the_project_command():
    cron = _by_kind("CronJob")["gdpr-purge"]
    minute, hour, dom, month, dow = cron["spec"]["schedule"].split()
    assert minute.isdigit() and hour.isdigit() and (dom, month, dow) == ("*", "*", "*")
    container = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["python", "-m", "bot.gdpr", "purge"]
    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
