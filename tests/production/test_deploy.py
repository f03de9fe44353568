"""The container stack and the process files: compose.yaml is valid against the
Compose Specification's JSON schema (tests/production/compose-spec.json, from
github.com/compose-spec/compose-spec, Apache-2.0) and configured only by
environment; the image is multi-stage and runs as a non-root user."""

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
PORTAL_SERVICES = {"migrate", "web", "worker", "scheduler"}


def compose() -> dict:
    return yaml.safe_load((REPO / "compose.yaml").read_text())


def test_compose_file_is_valid_against_the_compose_specification():
    schema = json.loads((Path(__file__).parent / "compose-spec.json").read_text())
    validator = jsonschema.Draft7Validator(schema)

    validator.validate(compose())
    with pytest.raises(jsonschema.ValidationError):  # the schema is strict
        validator.validate({"services": {"web": {"imagee": "typo"}}})


def test_the_stack_has_every_part():
    services = compose()["services"]

    assert set(services) == {"db", "opensearch", "nginx"} | PORTAL_SERVICES
    assert services["opensearch"]["environment"]["discovery.type"] == "single-node"
    assert "ports" in services["nginx"] and "ports" not in services["web"]
    assert services["worker"]["command"][2] == "run_worker"
    assert services["scheduler"]["command"][2] == "run_scheduler"
    assert services["web"]["command"][0] == "gunicorn"


def test_secrets_come_only_from_the_environment():
    data = compose()
    for name in PORTAL_SERVICES:
        service = data["services"][name]
        assert "env_file" not in service
        environment = service["environment"]
        assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")
        assert "${POSTGRES_PASSWORD:?" in environment["DATABASE_URL"]
        assert environment["DOCUMENT_SENDFILE"] == "nginx"
    assert data["services"]["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${")


def test_documents_reach_nginx_only_through_the_protected_location():
    nginx = compose()["services"]["nginx"]
    conf = (REPO / "deploy" / "nginx.conf").read_text()

    assert "media:/srv/portal/media:ro" in nginx["volumes"]
    assert re.search(r"location /protected-media/ \{\s+internal;", conf)


def test_the_image_is_multi_stage_and_runs_as_a_non_root_user():
    dockerfile = (REPO / "Dockerfile").read_text()
    stages = re.findall(r"^FROM .+ AS (\w+)$", dockerfile, flags=re.M)
    final = dockerfile.split("FROM ")[-1]

    assert len(stages) >= 2
    assert re.search(r"^USER portal$", final, flags=re.M)
    assert "pip install ." in dockerfile and "[embedded]" not in dockerfile
    assert "HEALTHCHECK" in final


def test_procfiles_start_web_worker_and_scheduler():
    for name in ("Procfile", "Procfile.dev"):
        kinds = {
            line.split(":", 1)[0]
            for line in (REPO / name).read_text().splitlines()
            if line and not line.startswith("#")
        }
        assert {"web", "worker", "scheduler"} <= kinds, name


def test_the_gunicorn_configuration_reads_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    namespace = {}
    exec((REPO / "deploy" / "gunicorn.conf.py").read_text(), namespace)

    assert namespace["workers"] == 5
    assert namespace["bind"] == "0.0.0.0:8000"
