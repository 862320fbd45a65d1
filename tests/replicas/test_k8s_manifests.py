"""deploy/k8s, overlay by overlay, against the Kubernetes and KEDA schemas and against claimedit itself.

What is checked, without a cluster (kubeconform does not install from PyPI, npm or Debian):
- each overlay is built with ``kubectl kustomize`` (kubectl from Debian, installed by .ci/run), and
  without kubectl resolved the way kustomize does for plain ``resources:`` lists (the overlays use
  nothing else; a test fails if a kustomization uses another field, and one compares both builds);
- Deployment, Service, PodDisruptionBudget, ConfigMap, Secret: strict schema validation with
  ``kubernetes-validate`` (the Kubernetes 1.37 OpenAPI schemas it ships: unknown fields are errors);
- ScaledObject and TriggerAuthentication: ``jsonschema`` against the ``openAPIV3Schema`` of KEDA's
  CRDs (tests/replicas/schemas/keda, source noted there);
- and what no schema knows: probes hit paths the app serves, the PDB and Service select the pods,
  every ScaledObject targets the Deployment, Kafka's replicas stay within its partitions, the edits
  ConfigMap is a configuration claimedit accepts, and the Secret holds no value.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from claimedit_edits.config import load_config
from claimedit_edits.engine.registry import load_registry

ROOT = Path(__file__).parents[2]
K8S = ROOT / "deploy" / "k8s"
KEDA = Path(__file__).parent / "schemas" / "keda"
OVERLAYS = sorted(path.name for path in (K8S / "overlays").iterdir() if path.is_dir())
KUBERNETES_VERSION = "1.37.0"
_KNOWN_FIELDS = {"apiVersion", "kind", "resources", "labels"}


def _kustomize(folder: Path) -> list[dict[str, Any]] | None:
    """``kubectl kustomize`` of ``folder`` (kubectl from Debian's package, installed by .ci/run), else None."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        return None
    built = subprocess.run([kubectl, "kustomize", str(folder)], capture_output=True, text=True, check=True)
    return [doc for doc in yaml.safe_load_all(built.stdout) if doc]


def _build(folder: Path) -> list[dict[str, Any]]:
    """The objects of a kustomization: kustomize's own build when kubectl is there, else :func:`_resolve`."""
    return _kustomize(folder) or _resolve(folder)


def _resolve(folder: Path) -> list[dict[str, Any]]:
    kustomization = yaml.safe_load((folder / "kustomization.yaml").read_text())
    assert set(kustomization) <= _KNOWN_FIELDS, (
        f"{folder}: fields this check does not apply: {set(kustomization) - _KNOWN_FIELDS}"
    )
    documents: list[dict[str, Any]] = []
    for entry in kustomization["resources"]:
        path = (folder / entry).resolve()
        if path.is_dir():
            documents += _resolve(path)
        else:
            documents += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    labels = {}
    for label in kustomization.get("labels", []):
        labels.update(label["pairs"])
    for document in documents:
        document.setdefault("metadata", {}).setdefault("labels", {}).update(labels)
    return documents


def _crd_schema(name: str) -> dict[str, Any]:
    crd = yaml.safe_load((KEDA / name).read_text())
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1")
    schema: dict[str, Any] = version["schema"]["openAPIV3Schema"]
    return schema


KEDA_SCHEMAS = {
    "ScaledObject": _crd_schema("keda.sh_scaledobjects.yaml"),
    "TriggerAuthentication": _crd_schema("keda.sh_triggerauthentications.yaml"),
}


def _kind(documents: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [document for document in documents if document["kind"] == kind]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_resource_is_valid_against_its_kubernetes_or_keda_schema(overlay: str) -> None:
    documents = _build(K8S / "overlays" / overlay)
    problems = []
    for document in documents:
        name = f"{document['kind']}/{document['metadata']['name']}"
        if document["kind"] in KEDA_SCHEMAS:
            errors = list(jsonschema.Draft7Validator(KEDA_SCHEMAS[document["kind"]]).iter_errors(document))
            problems += [f"{name}: {error.message}" for error in errors]
            continue
        try:
            kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            problems.append(f"{name}: {error.message}")

    assert [] == problems
    assert {"ConfigMap", "Secret", "Deployment", "Service", "PodDisruptionBudget", "ScaledObject"} <= {
        document["kind"] for document in documents
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kustomize_builds_the_objects_the_check_resolves(overlay: str) -> None:
    built = _kustomize(K8S / "overlays" / overlay)
    if built is None:
        pytest.skip("kubectl is not installed (.ci/run installs Debian's package): resolved without kustomize")

    def names(documents: list[dict[str, Any]]) -> list[tuple[str, str]]:
        return sorted((document["kind"], document["metadata"]["name"]) for document in documents)

    assert names(_resolve(K8S / "overlays" / overlay)) == names(built)


def test_the_three_brokers_have_an_overlay() -> None:
    assert ["kafka", "nats", "rabbitmq"] == OVERLAYS


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_scaled_object_targets_the_deployment_with_a_trigger_of_its_broker(overlay: str) -> None:
    documents = _build(K8S / "overlays" / overlay)
    deployment = _kind(documents, "Deployment")[0]
    scaled = _kind(documents, "ScaledObject")
    trigger_type = {"rabbitmq": "rabbitmq", "nats": "nats-jetstream", "kafka": "kafka"}[overlay]

    assert [(deployment["metadata"]["name"], trigger_type)] == [
        (item["spec"]["scaleTargetRef"]["name"], item["spec"]["triggers"][0]["type"]) for item in scaled
    ]
    auth_names = {item["metadata"]["name"] for item in _kind(documents, "TriggerAuthentication")}
    refs = {
        t["authenticationRef"]["name"] for item in scaled for t in item["spec"]["triggers"] if "authenticationRef" in t
    }
    assert refs <= auth_names


def test_kafka_replicas_never_exceed_the_topic_partitions() -> None:
    scaled = _kind(_build(K8S / "overlays" / "kafka"), "ScaledObject")[0]
    partitions = int(scaled["metadata"]["annotations"]["claimedit.dev/topic-partitions"])
    trigger = scaled["spec"]["triggers"][0]["metadata"]

    assert (True, "false") == (scaled["spec"]["maxReplicaCount"] <= partitions, trigger["allowIdleConsumers"])


def test_probes_use_the_live_and_ready_endpoints_on_the_http_port() -> None:
    container = _kind(_build(K8S / "base"), "Deployment")[0]["spec"]["template"]["spec"]["containers"][0]
    env = {item["name"]: item.get("value") for item in container["env"]}

    assert ("/health/live", "/health/ready") == (
        container["livenessProbe"]["httpGet"]["path"],
        container["readinessProbe"]["httpGet"]["path"],
    )
    assert (8080, "8080", "0.0.0.0") == (
        container["ports"][0]["containerPort"],
        env["CLAIMEDIT_HTTP_PORT"],
        env["CLAIMEDIT_HTTP_HOST"],
    )


def test_the_pdb_and_the_service_select_the_deployments_pods() -> None:
    documents = _build(K8S / "base")
    pod_labels = _kind(documents, "Deployment")[0]["spec"]["template"]["metadata"]["labels"]
    selectors = [_kind(documents, "PodDisruptionBudget")[0]["spec"]["selector"]["matchLabels"]]
    selectors.append(_kind(documents, "Service")[0]["spec"]["selector"])

    assert all(selector.items() <= pod_labels.items() for selector in selectors)


def test_the_secret_is_committed_without_any_value() -> None:
    secret = _kind(_build(K8S / "base"), "Secret")[0]

    assert {""} == set(secret["stringData"].values())
    assert "CLAIMEDIT_BROKER_URL" in secret["stringData"]


def test_the_edits_configmap_is_accepted_by_claimedit_and_spells_out_the_defaults(tmp_path: Path) -> None:
    config = tmp_path / "edits.toml"
    config.write_text(_kind(_build(K8S / "base"), "ConfigMap")[0]["data"]["edits.toml"])

    accepted = load_config(config, load_registry())
    default = load_config(None, load_registry())

    assert default.config == accepted.config  # accepted (no ConfigError), and the packaged defaults spelt out
