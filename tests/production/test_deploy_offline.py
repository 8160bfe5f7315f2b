"""scripts/check_deploy.sh: the compose file, the Dockerfile and the Kubernetes
manifests validated offline (no Docker engine, no cluster, no image pulled).
The shipped files pass; a copy of deploy/ broken in known ways fails, naming
each breakage. Its validators live in build/deploycheck-venv (made from PyPI on
the first run, then reused)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "check_deploy.sh"


def check_deploy(tmp_path: Path, **env) -> subprocess.CompletedProcess:
    full = dict(os.environ, DEPLOYCHECK_OUT=str(tmp_path / "out"), **env)
    return subprocess.run(["bash", str(SCRIPT)], cwd=ROOT, env=full, capture_output=True, text=True, timeout=600)


def shipped_objects() -> list:
    kdir = ROOT / "deploy" / "k8s"
    listed = yaml.safe_load((kdir / "kustomization.yaml").read_text())["resources"]
    return [d for name in listed for d in yaml.safe_load_all((kdir / name).read_text()) if d]


def rendered(tmp_path: Path) -> list:
    docs = [d for d in yaml.safe_load_all((tmp_path / "out" / "k8s-rendered.yaml").read_text()) if d]
    return sorted(docs, key=lambda d: (d["kind"], d["metadata"]["name"]))


def test_the_shipped_deploy_files_pass(tmp_path):
    r = check_deploy(tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[-1].startswith("DEPLOY CHECK: PASSED")
    assert any(line.startswith("compose   deploy/docker-compose.yml: valid") for line in lines), r.stdout
    assert any(line.startswith("dockerfile deploy/Dockerfile: parsed") for line in lines), r.stdout
    k8s = next(line for line in lines if line.startswith("k8s "))
    n = len(shipped_objects())
    assert f"deploy/k8s: valid: {n} objects rendered" in k8s and "validated strictly" in k8s, k8s
    assert len(rendered(tmp_path)) == n
    assert "ERROR" not in r.stdout


@pytest.mark.skipif(not shutil.which("kubectl"), reason="kubectl (kustomize) is not on this machine; the plain-files renderer is then the only one")
def test_the_plain_files_renderer_gives_what_kustomize_gives(tmp_path):
    # without kubectl the script falls back to the files kustomization.yaml lists: prove it is the same
    a, b = tmp_path / "a", tmp_path / "b"
    assert check_deploy(a, K8S_RENDERER="kubectl").returncode == 0
    r = check_deploy(b, K8S_RENDERER="files")
    assert r.returncode == 0, r.stdout
    assert "rendered by the plain files kustomization.yaml lists" in r.stdout
    assert rendered(a) == rendered(b)


def broken_copy(tmp_path: Path) -> Path:
    """A project folder whose deploy/ is a copy (free to break) and everything else links to this checkout."""
    root = tmp_path / "project"
    root.mkdir()
    for entry in ROOT.iterdir():
        if entry.name not in ("deploy", ".git", "build"):
            (root / entry.name).symlink_to(entry)
    shutil.copytree(ROOT / "deploy", root / "deploy")
    return root / "deploy"


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, f"{path.name} no longer contains {old!r}: update this test"
    path.write_text(text.replace(old, new, count))


def test_a_broken_copy_of_deploy_fails_and_names_every_breakage(tmp_path):
    deploy = broken_copy(tmp_path)
    k8s = deploy / "k8s"
    # Kubernetes: a misspelt field, a wrong type, a misspelt kind (three different objects)
    edit(k8s / "rasa.yaml", "readinessProbe:", "readinesProbe:")
    edit(k8s / "actions.yaml", "containerPort: 5055}", 'containerPort: "5055"}')
    edit(k8s / "redis.yaml", "kind: Deployment", "kind: Deploymnet")
    # compose: an unknown service key, a dependency on no service, a healthcheck removed
    # from a service others wait for, a bind-mount source that does not exist
    compose = deploy / "docker-compose.yml"
    edit(compose, "  nginx:\n    image: nginx:1.25", "  nginx:\n    helthcheck: {}\n    image: nginx:1.25")
    edit(compose, "      redis: {condition: service_healthy}\n      actions:", "      redis: {condition: service_healthy}\n      action:")
    text = compose.read_text()
    postgres_healthcheck = re.search(r"(  postgres:\n(?:    .*\n)*?)    healthcheck:\n(?:      .*\n)+", text)
    assert postgres_healthcheck, "the postgres service has no healthcheck block: update this test"
    compose.write_text(text.replace(postgres_healthcheck.group(0), postgres_healthcheck.group(1)))
    (deploy / "nginx" / "b12-http.conf").unlink()
    # Dockerfile: a source that is not in the build context, an unknown instruction
    edit(deploy / "Dockerfile", "COPY requirements.txt requirements.lock ./", "COPY requirements.txt requirements.lock requirements-gone.txt ./")
    edit(deploy / "Dockerfile", "USER 1001", "USR 1001")

    for renderer in ("auto", "files"):
        out = tmp_path / renderer
        r = check_deploy(out, DEPLOY_DIR=str(deploy), K8S_RENDERER=renderer)
        assert r.returncode == 1, r.stdout + r.stderr
        assert r.stdout.splitlines()[-1].startswith("DEPLOY CHECK: FAILED")
        errors = [line for line in r.stdout.splitlines() if line.startswith("  ERROR ")]
        expected = [
            "Deployment/b12-rasa (Kubernetes 1.25-1.37): spec.template.spec.containers.0: Additional properties are not allowed ('readinesProbe' was unexpected)",
            "Deployment/b12-actions (Kubernetes 1.25-1.37): spec.template.spec.containers.0.ports.0.containerPort: '5055' is not of type 'integer'",
            "Deploymnet/b12-redis (Kubernetes 1.25-1.37): no schema for apps/v1 Deploymnet",
            "services.nginx: Unevaluated properties are not allowed ('helthcheck' was unexpected)",
            "services.rasa: depends on undefined service 'action'",
            "services.rasa: waits for 'postgres' to be healthy, but 'postgres' has no healthcheck",
            "services.nginx.volumes: bind-mount source './nginx/b12-http.conf' does not exist",
            "COPY source 'requirements-gone.txt' is not in the build context",
            "unknown instruction USR",
        ]
        for e in expected:
            assert any(e in line for line in errors), (e, errors)
        assert len(errors) == len(expected), errors


def test_compose_refuses_to_run_without_the_required_secrets(tmp_path):
    env_file = tmp_path / "no-secrets.env"
    env_file.write_text("\n".join(line for line in (ROOT / "deploy" / ".env.example").read_text().splitlines()
                                  if not line.startswith(("DB_PASSWORD=", "RASA_TOKEN="))) + "\n")
    r = check_deploy(tmp_path, COMPOSE_ENV_FILE=str(env_file))
    assert r.returncode == 1, r.stdout
    assert "services.postgres.environment.POSTGRES_PASSWORD: required variable DB_PASSWORD is missing a value: set DB_PASSWORD" in r.stdout
    assert "services.rasa.environment.RASA_TOKEN: required variable RASA_TOKEN is missing a value: set RASA_TOKEN" in r.stdout


def test_a_kustomization_that_lists_a_missing_file_cannot_render(tmp_path):
    deploy = broken_copy(tmp_path)
    edit(deploy / "k8s" / "kustomization.yaml", "  - ingress.yaml", "  - ingress.yaml\n  - hpa.yaml")
    for renderer in ("auto", "files"):
        r = check_deploy(tmp_path / renderer, DEPLOY_DIR=str(deploy), K8S_RENDERER=renderer)
        assert r.returncode == 1, r.stdout
        assert re.search(r"ERROR k8s .*cannot render: .*hpa\.yaml", r.stdout), r.stdout
