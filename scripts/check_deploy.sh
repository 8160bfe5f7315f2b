#!/usr/bin/env bash
# Offline checks of the deploy files: no Docker engine, no cluster, no image
# pulled, nothing built or started (these machines have Docker's client only and
# reach no image registry). Needs the network once, to make its venv from PyPI.
#
#  1. deploy/docker-compose.yml, interpolated the way compose does it with
#     deploy/.env.example (${VAR:-default}, ${VAR:?error}, $$), then validated
#     against the compose-spec JSON schema (the copy vendored in check-jsonschema),
#     plus what `docker compose config` resolves: depends_on targets (and a
#     healthcheck where `service_healthy` is awaited), named volumes, bind-mount
#     sources, build context and Dockerfile, env files, host ports not published
#     by a replicated service. Where the compose v2 plugin exists
#     (`docker compose version`), `docker compose config -q` runs as well.
#     Debian 12 has no compose v2 plugin; its docker-compose 1.29 rejects the
#     valid top-level `name:`, so it is not used.
#  2. the Dockerfile(s) compose builds, parsed by BuildKit's own parser (PyPI
#     `dockerfile`): known instructions, stages, COPY --from, and every COPY/ADD
#     source present in the build context and not excluded by its .dockerignore.
#  3. deploy/k8s rendered (`kubectl kustomize`, else `kustomize build`, else the
#     plain files kustomization.yaml lists, refusing anything else), and every
#     object validated strictly (unknown fields rejected; a kind without a schema
#     is an error) against the Kubernetes OpenAPI schemas of every release
#     kubernetes-validate ships (1.25 to 1.37).
#
# Exit 0 all passed, 1 a check failed, 2 the validators could not be installed.
# Environment: DEPLOY_DIR (default deploy), COMPOSE_ENV_FILE (default
# $DEPLOY_DIR/.env.example), K8S_RENDERER (auto | kubectl | kustomize | files),
# DEPLOYCHECK_VENV (default build/deploycheck-venv), DEPLOYCHECK_OUT (default
# build/deploycheck: the rendered manifests), DEPLOYCHECK_PYTHON (default python3).
# Tested by tests/production/test_deploy_offline.py.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${DEPLOYCHECK_PYTHON:-python3}
VENV=${DEPLOYCHECK_VENV:-build/deploycheck-venv}
PACKAGES="check-jsonschema==0.39.0 kubernetes-validate==1.37.0 dockerfile==3.4.0"
STAMP="$VENV/.ready-$(printf %s "$PACKAGES" | cksum | cut -d' ' -f1)"

# its own venv: the project's .venv stays as pinned
if [ ! -f "$STAMP" ]; then
  echo "check_deploy: creating $VENV ($PACKAGES)"
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  if ! { "$PYTHON" -m venv "$VENV" && "$VENV/bin/pip" install -q $PACKAGES; } >"$VENV.install.log" 2>&1; then
    tail -n 5 "$VENV.install.log"
    echo "DEPLOY CHECK: could not install the validators (see $VENV.install.log)"
    exit 2
  fi
  touch "$STAMP"
fi

export DEPLOY_DIR=${DEPLOY_DIR:-deploy}
export COMPOSE_ENV_FILE=${COMPOSE_ENV_FILE:-$DEPLOY_DIR/.env.example}
export K8S_RENDERER=${K8S_RENDERER:-auto}
export DEPLOYCHECK_OUT=${DEPLOYCHECK_OUT:-build/deploycheck}

exec "$VENV/bin/python" - <<'PY'
import json
import os
import re
import shutil
import subprocess
import sys
from importlib import resources
from importlib.metadata import version
from pathlib import Path

import dockerfile
import jsonschema
import yaml
from kubernetes_validate import utils as kv

DEPLOY = Path(os.environ["DEPLOY_DIR"])
ENV_FILE = Path(os.environ["COMPOSE_ENV_FILE"])
OUT = Path(os.environ["DEPLOYCHECK_OUT"])
RENDERER = os.environ["K8S_RENDERER"]
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
errors, notes = [], []


def fail(section, message):
    errors.append(f"{section}: {message}")


# ------------------------------------------------------------------ compose
def read_env_file(path):
    """docker compose's .env format: KEY=VALUE lines, # comments, optional quotes."""
    env = {}
    for n, line in enumerate(path.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[7:].lstrip()
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", key):
            raise ValueError(f"{path}:{n}: not KEY=VALUE: {line!r}")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        else:
            value = re.sub(r"\s+#.*$", "", value)
        env[key] = value
    return env


TOKEN = re.compile(r"\$(?:(?P<escaped>\$)|(?P<named>[_a-zA-Z][_a-zA-Z0-9]*)|\{(?P<braced>[^}]*)\}|(?P<invalid>))")
BRACED = re.compile(r"(?P<name>[_a-zA-Z][_a-zA-Z0-9]*)(?:(?P<op>:?[-?+])(?P<arg>.*))?", re.S)


def interpolate(value, env, where, problems, unset):
    """Compose's variable substitution on every string value (keys are left alone)."""
    if isinstance(value, dict):
        return {k: interpolate(v, env, f"{where}.{k}", problems, unset) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env, f"{where}[{i}]", problems, unset) for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value

    def sub(m):
        if m.group("escaped"):
            return "$"
        if m.group("named"):
            name, op, arg = m.group("named"), None, None
        elif m.group("braced") is not None:
            b = BRACED.fullmatch(m.group("braced"))
            if not b:
                problems.append(f"{where}: invalid interpolation format {m.group(0)!r}")
                return ""
            name, op, arg = b.group("name"), b.group("op"), b.group("arg")
        else:
            problems.append(f"{where}: invalid interpolation format in {value!r} (a lone $; write $$)")
            return ""
        val = env.get(name)
        empty = val is None or val == ""
        if op in (":-", "-"):
            return interpolate(arg, env, where, problems, unset) if (empty if op == ":-" else val is None) else val
        if op in (":?", "?"):
            if empty if op == ":?" else val is None:
                problems.append(f"{where}: required variable {name} is missing a value: {arg}")
                return ""
            return val
        if op in (":+", "+"):
            return interpolate(arg, env, where, problems, unset) if (not empty if op == ":+" else val is not None) else ""
        if val is None:
            unset.add(name)
            return ""
        return val

    return TOKEN.sub(sub, value)


PORT = re.compile(r"(?:(?P<ip>[0-9.]+|\[[0-9a-fA-F:]+\]):)?(?:(?P<host>\d+(?:-\d+)?)?:)?(?P<container>\d+(?:-\d+)?)(?:/(?P<proto>tcp|udp|sctp))?")


def check_compose():
    section = f"compose {COMPOSE_FILE}"
    try:
        raw = yaml.safe_load(COMPOSE_FILE.read_text())  # resolves anchors and << merges
        env = read_env_file(ENV_FILE)
    except (OSError, yaml.YAMLError, ValueError) as e:
        fail(section, str(e))
        return []
    if not isinstance(raw, dict):
        fail(section, "not a mapping")
        return []
    problems, unset = [], set()
    doc = interpolate(raw, env, "", problems, unset)
    for p in problems:
        fail(section, p.lstrip("."))
    for name in sorted(unset):
        notes.append(f'compose: the "{name}" variable is not set in {ENV_FILE}: a blank string')

    schema = json.loads((resources.files("check_jsonschema") / "builtin_schemas" / "vendor" / "compose-spec.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        where = ".".join(map(str, e.absolute_path)) or "<top level>"
        best = jsonschema.exceptions.best_match(e.context) if e.context else None
        fail(section, f"{where}: {e.message}" + (f" ({best.message})" if best is not None else ""))

    base = COMPOSE_FILE.parent
    services = doc.get("services") or {}
    top_volumes = set(doc.get("volumes") or {})
    top_networks = set(doc.get("networks") or {}) | {"default"}
    builds = []
    for name, svc in services.items():
        if not isinstance(svc, dict):
            continue
        where = f"services.{name}"
        if not svc.get("image") and not svc.get("build"):
            fail(section, f"{where}: neither image nor build")
        deps = svc.get("depends_on") or []
        for dep in deps if isinstance(deps, list) else deps:
            if dep not in services:
                fail(section, f"{where}: depends on undefined service {dep!r}")
            elif isinstance(deps, dict) and (deps[dep] or {}).get("condition") == "service_healthy":
                hc = services[dep].get("healthcheck") or {}
                if not hc.get("test") or hc.get("disable") or hc.get("test") == ["NONE"]:
                    fail(section, f"{where}: waits for {dep!r} to be healthy, but {dep!r} has no healthcheck")
        build = svc.get("build")
        if build:
            context = build if isinstance(build, str) else build.get("context", ".")
            context_path = (base / context).resolve()
            dockerfile_name = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
            if not context_path.is_dir():
                fail(section, f"{where}.build: context {context!r} is not a folder")
            elif not (context_path / dockerfile_name).is_file():
                fail(section, f"{where}.build: no Dockerfile {dockerfile_name!r} in context {context!r}")
            elif (context_path, dockerfile_name) not in builds:
                builds.append((context_path, dockerfile_name))
        for vol in svc.get("volumes") or []:
            if isinstance(vol, str):
                parts = vol.split(":")
                source = parts[0] if len(parts) > 1 else None
            else:
                source = vol.get("source")
            if not source:
                continue  # an anonymous volume
            if source.startswith((".", "/", "~")):
                if not (base / os.path.expanduser(source)).exists():
                    fail(section, f"{where}.volumes: bind-mount source {source!r} does not exist")
            elif source not in top_volumes:
                fail(section, f"{where}.volumes: undefined volume {source!r}")
        env_files = svc.get("env_file") or []
        for item in [env_files] if isinstance(env_files, str) else env_files:
            path = item if isinstance(item, str) else item.get("path")
            required = True if isinstance(item, str) else item.get("required", True)
            if required and not (base / path).is_file():
                fail(section, f"{where}.env_file: {path!r} does not exist")
        nets = svc.get("networks") or []
        for net in nets if isinstance(nets, list) else nets:
            if net not in top_networks:
                fail(section, f"{where}: undefined network {net!r}")
        replicas = ((svc.get("deploy") or {}).get("replicas")) or 1
        for port in svc.get("ports") or []:
            text = str(port) if not isinstance(port, dict) else f"{port.get('published', '')}:{port.get('target')}"
            m = PORT.fullmatch(text)
            if not m and not isinstance(port, dict):
                fail(section, f"{where}.ports: {text!r} is not [ip:][host:]container[/proto]")
                continue
            numbers = [int(x) for x in re.findall(r"\d+", f"{m.group('host') or ''} {m.group('container')}")] if m else []
            if any(not 0 < n < 65536 for n in numbers):
                fail(section, f"{where}.ports: {text!r} is out of range")
            host = m.group("host") if m else str(port.get("published") or "")
            if host and "-" not in host and int(replicas) > 1:
                fail(section, f"{where}: {replicas} replicas cannot all publish host port {host}")
        if svc.get("container_name") and int(replicas) > 1:
            fail(section, f"{where}: {replicas} replicas cannot share container_name")

    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        r = subprocess.run(["docker", "compose", "-f", str(COMPOSE_FILE), "--env-file", str(ENV_FILE), "config", "-q"], capture_output=True, text=True)
        if r.returncode:
            fail(section, "docker compose config -q: " + (r.stderr or r.stdout).strip())
        else:
            notes.append("compose: `docker compose config -q` passed")
    else:
        notes.append("compose: `docker compose config -q` not run: no compose v2 plugin on this machine (Debian 12 has none)")
    print(f"compose   {COMPOSE_FILE}: {'FAILED' if any(e.startswith('compose') for e in errors) else 'valid'} "
          f"(compose-spec schema from check-jsonschema {version('check-jsonschema')}, interpolated with {ENV_FILE}; "
          f"services: {', '.join(services)})")
    return builds


# ------------------------------------------------------------------ Dockerfile
INSTRUCTIONS = {"FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT",
                "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"}


def ignore_patterns(context, dockerfile_path):
    """BuildKit reads <Dockerfile>.dockerignore beside the Dockerfile, else <context>/.dockerignore."""
    for candidate in (Path(f"{dockerfile_path}.dockerignore"), context / ".dockerignore"):
        if candidate.is_file():
            out = []
            for line in candidate.read_text().splitlines():
                line = line.strip()
                if line and not line.startswith("#"):
                    out.append(line)
            return out
    return []


def _pattern(p):
    neg = p.startswith("!")
    p = p.lstrip("!").strip("/")
    rx = ""
    i = 0
    while i < len(p):
        if p.startswith("**/", i):
            rx, i = rx + "(?:.*/)?", i + 3
        elif p.startswith("**", i):
            rx, i = rx + ".*", i + 2
        elif p[i] == "*":
            rx, i = rx + "[^/]*", i + 1
        elif p[i] == "?":
            rx, i = rx + "[^/]", i + 1
        else:
            rx, i = rx + re.escape(p[i]), i + 1
    return neg, re.compile(rx + r"\Z")


def excluded(path, patterns):
    """Whether `path` (relative to the context) or a folder above it is excluded."""
    parts = path.strip("/").split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    result = False
    for neg, rx in (_pattern(p) for p in patterns):
        if any(rx.match(c) for c in candidates):
            result = not neg
    return result


def shown(path):
    """A path as short as it gets: relative to here when it is under here."""
    try:
        return Path(path).resolve().relative_to(Path.cwd())
    except ValueError:
        return Path(path)


def check_dockerfile(context, name):
    path, context = shown(context / name), shown(context)
    section = f"dockerfile {path}"
    try:
        commands = dockerfile.parse_file(str(path))
    except dockerfile.GoParseError as e:
        fail(section, f"BuildKit's parser refused it: {e}")
        return
    patterns = ignore_patterns(context, path)
    stages, later = [], set()
    for c in commands:
        if c.cmd.upper() == "FROM" and len(c.value) >= 3 and c.value[1].upper() == "AS":
            later.add(c.value[2].lower())
    if not commands or commands[0].cmd.upper() not in ("FROM", "ARG"):
        fail(section, "does not start with FROM (or ARG)")
    for c in commands:
        cmd, where = c.cmd.upper(), f"line {c.start_line}"
        if cmd not in INSTRUCTIONS:
            fail(section, f"{where}: unknown instruction {c.cmd}")
            continue
        if cmd == "FROM":
            stages.append(c.value[2].lower() if len(c.value) >= 3 else str(len(stages)))
        elif cmd in ("COPY", "ADD"):
            source_stage = next((f.split("=", 1)[1] for f in c.flags if f.startswith("--from=")), None)
            if source_stage is not None:
                if source_stage.lower() in later and source_stage.lower() not in stages[:-1]:
                    fail(section, f"{where}: COPY --from={source_stage} names a stage not built before this one")
                continue
            if c.heredocs:
                continue
            for src in c.value[:-1]:
                if re.match(r"https?://|git@", src):
                    continue
                rel = os.path.normpath(src).lstrip("/")
                matches = list(context.glob(rel)) if rel not in (".", "") else [context]
                if not matches:
                    fail(section, f"{where}: {cmd} source {src!r} is not in the build context {context}")
                elif rel not in (".", "") and excluded(rel, patterns):
                    fail(section, f"{where}: {cmd} source {src!r} is excluded by the .dockerignore")
        elif cmd == "EXPOSE":
            for p in c.value:
                if not re.fullmatch(r"\d+(?:-\d+)?(?:/(?:tcp|udp|sctp))?", p):
                    fail(section, f"{where}: EXPOSE {p!r} is not a port")
        elif cmd in ("CMD", "ENTRYPOINT") and not c.json:
            notes.append(f"dockerfile: {path} line {c.start_line}: {cmd} in shell form (signals go to sh, not the server)")
    ok = not any(e.startswith(section) for e in errors)
    print(f"dockerfile {path}: {'parsed' if ok else 'FAILED'} by BuildKit's parser (dockerfile {version('dockerfile')}): "
          f"{len(commands)} instructions, stages {', '.join(stages)}; every COPY source in context {context}")


# ------------------------------------------------------------------ Kubernetes
def render_files(kdir):
    k = yaml.safe_load((kdir / "kustomization.yaml").read_text()) or {}
    extra = sorted(set(k) - {"apiVersion", "kind", "resources"})
    if extra:
        raise RuntimeError(f"kustomization.yaml uses {', '.join(extra)}: only kustomize can render it (no kubectl or kustomize here)")
    docs = []
    for r in k.get("resources") or []:
        p = kdir / r
        if "://" in r or p.is_dir():
            raise RuntimeError(f"resource {r!r} is a remote or kustomize folder: only kustomize can render it")
        if not p.is_file():
            raise RuntimeError(f"resource {r!r} listed in kustomization.yaml does not exist")
        docs.extend(d for d in yaml.safe_load_all(p.read_text()) if d)
    return docs


def render(kdir):
    choice = RENDERER
    if choice == "auto":
        choice = "kubectl" if shutil.which("kubectl") else "kustomize" if shutil.which("kustomize") else "files"
    if choice == "files":
        return render_files(kdir), "the plain files kustomization.yaml lists"
    cmd = ["kubectl", "kustomize", str(kdir)] if choice == "kubectl" else ["kustomize", "build", str(kdir)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if r.returncode:
        raise RuntimeError(f"{' '.join(cmd[:2])}: {(r.stderr or r.stdout).strip()}")
    return [d for d in yaml.safe_load_all(r.stdout) if d], " ".join(cmd[:2])


def check_k8s():
    kdir = DEPLOY / "k8s"
    section = f"k8s {kdir}"
    try:
        docs, how = render(kdir)
    except (RuntimeError, OSError, yaml.YAMLError, subprocess.TimeoutExpired) as e:
        fail(section, f"cannot render: {e}")
        return
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "k8s-rendered.yaml").write_text(yaml.safe_dump_all(docs, sort_keys=False))
    versions = sorted(set(kv.all_versions()), key=lambda v: tuple(map(int, v.split("."))))
    seen = set()
    for d in docs:
        if not isinstance(d, dict) or not d.get("apiVersion") or not d.get("kind") or not (d.get("metadata") or {}).get("name"):
            fail(section, f"an object without apiVersion, kind or metadata.name: {str(d)[:80]}")
            continue
        ident = f"{d['kind']}/{d['metadata']['name']}"
        if (d["kind"], d["metadata"].get("namespace"), d["metadata"]["name"]) in seen:
            fail(section, f"{ident} is defined twice")
        seen.add((d["kind"], d["metadata"].get("namespace"), d["metadata"]["name"]))
        messages = {}
        for v in versions:
            try:
                kv.validate(d, v, strict=True)
            except kv.ValidationError as e:
                path = ".".join(str(p) for p in e.path) or "<top level>"
                messages.setdefault(f"{path}: {e.message}", []).append(kv.major_minor(v))
            except kv.SchemaNotFoundError as e:
                messages.setdefault(f"no schema for {d['apiVersion']} {d['kind']}: unknown kind or apiVersion", []).append(kv.major_minor(v))
        for message, bad in messages.items():
            span = bad[0] if len(bad) == 1 else f"{bad[0]}-{bad[-1]}" if len(bad) == len(versions) else ", ".join(bad)
            fail(section, f"{ident} (Kubernetes {span}): {message}")
    ok = not any(e.startswith(section) for e in errors)
    kinds = sorted({d["kind"] for d in docs if isinstance(d, dict) and d.get("kind")})
    print(f"k8s       {kdir}: {'valid' if ok else 'FAILED'}: {len(docs)} objects rendered by {how} ({', '.join(kinds)}), "
          f"validated strictly against the Kubernetes {versions[0]}...{versions[-1]} OpenAPI schemas "
          f"({len(versions)} releases, kubernetes-validate {version('kubernetes-validate')}); rendered copy in {OUT / 'k8s-rendered.yaml'}")


for context, name in check_compose():
    check_dockerfile(context, name)
check_k8s()
for n in notes:
    print(f"  note: {n}")
for e in errors:
    print(f"  ERROR {e}")
print(f"DEPLOY CHECK: {'FAILED' if errors else 'PASSED'} (offline: no image built or pulled, no container or cluster started)")
sys.exit(1 if errors else 0)
PY
