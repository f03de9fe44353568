"""Client options for real clusters: HTTPS with a CA bundle, API keys, basic
auth, client certificates, Elastic Cloud ids and AWS SigV4 (OpenSearch).

They come from the backend's ``OPTIONS`` dict in settings.PORTAL_SEARCH_BACKENDS
and, for what OPTIONS leaves out, from environment variables named after the
engine (``ELASTICSEARCH_API_KEY``, ``OPENSEARCH_USERNAME``...; see the README's
"Running against a secured cluster")."""

from __future__ import annotations

import os

# OPTIONS key -> environment variable suffix (after ELASTICSEARCH_/OPENSEARCH_).
ENV_OPTIONS = {
    "api_key": "API_KEY",
    "username": "USERNAME",
    "password": "PASSWORD",
    "bearer_auth": "BEARER_TOKEN",
    "cloud_id": "CLOUD_ID",
    "ca_certs": "CA_CERTS",
    "verify_certs": "VERIFY_CERTS",
    "client_cert": "CLIENT_CERT",
    "client_key": "CLIENT_KEY",
    "ssl_assert_fingerprint": "SSL_FINGERPRINT",
    "aws_region": "AWS_REGION",
    "aws_service": "AWS_SERVICE",
    "http_compress": "HTTP_COMPRESS",
}
KNOWN = {*ENV_OPTIONS, "basic_auth", "headers", "max_retries"}
_FALSE = {"0", "false", "no", "off"}


def engine_options(product: str, options: dict | None, *, environ=None) -> dict:
    """OPTIONS over the ``<PRODUCT>_*`` environment variables, checked."""
    environ = os.environ if environ is None else environ
    prefix = product.upper()
    merged = {}
    for key, suffix in ENV_OPTIONS.items():
        value = environ.get(f"{prefix}_{suffix}")
        if value not in (None, ""):
            merged[key] = value
    merged.update({key.lower(): value for key, value in (options or {}).items()})
    unknown = sorted(set(merged) - KNOWN)
    if unknown:
        raise ValueError(f"{product}: unknown search OPTIONS {unknown}")
    for flag in ("verify_certs", "http_compress"):
        if isinstance(merged.get(flag), str):
            merged[flag] = merged[flag].strip().lower() not in _FALSE
    if "basic_auth" not in merged and merged.get("username"):
        merged["basic_auth"] = (merged["username"], merged.get("password") or "")
    merged.pop("username", None)
    merged.pop("password", None)
    if isinstance(merged.get("basic_auth"), list):
        merged["basic_auth"] = tuple(merged["basic_auth"])
    return merged


def elasticsearch_kwargs(url: str, options: dict, *, timeout: float) -> dict:
    """Keyword arguments of ``elasticsearch.Elasticsearch``."""
    kwargs = {
        "request_timeout": timeout,
        "max_retries": int(options.get("max_retries", 0)),
        "retry_on_timeout": False,
        "http_compress": options.get("http_compress", True),
    }
    if options.get("cloud_id"):
        kwargs["cloud_id"] = options["cloud_id"]
    else:
        kwargs["hosts"] = [url]
    for key in (
        "api_key",
        "basic_auth",
        "bearer_auth",
        "ca_certs",
        "verify_certs",
        "client_cert",
        "client_key",
        "ssl_assert_fingerprint",
        "headers",
    ):
        if options.get(key) not in (None, ""):
            kwargs[key] = options[key]
    return kwargs


def opensearch_kwargs(url: str, options: dict, *, timeout: float) -> dict:
    """Keyword arguments of ``opensearchpy.OpenSearch``."""
    kwargs = {
        "hosts": [url],
        "timeout": timeout,
        "max_retries": int(options.get("max_retries", 0)),
        "retry_on_timeout": False,
        "http_compress": options.get("http_compress", True),
    }
    if url.startswith("https://"):
        kwargs["use_ssl"] = True
    for key in ("ca_certs", "verify_certs", "client_cert", "client_key", "headers"):
        if options.get(key) not in (None, ""):
            kwargs[key] = options[key]
    if options.get("ssl_assert_fingerprint"):
        kwargs["ssl_assert_fingerprint"] = options["ssl_assert_fingerprint"]
    if options.get("api_key"):
        headers = dict(kwargs.get("headers") or {})
        headers["Authorization"] = f"ApiKey {options['api_key']}"
        kwargs["headers"] = headers
    if options.get("bearer_auth"):
        headers = dict(kwargs.get("headers") or {})
        headers["Authorization"] = f"Bearer {options['bearer_auth']}"
        kwargs["headers"] = headers
    if options.get("aws_region"):
        kwargs["http_auth"] = aws_sigv4_auth(
            options["aws_region"], options.get("aws_service") or "es"
        )
    elif options.get("basic_auth"):
        kwargs["http_auth"] = tuple(options["basic_auth"])
    return kwargs


def aws_sigv4_auth(region: str, service: str):
    """SigV4 request signing for Amazon OpenSearch Service (``es``) or
    Serverless (``aoss``), with the credentials of boto3's usual chain
    (environment, profile, instance role). Needs ``pip install boto3``."""
    try:
        import boto3
    except ImportError as error:
        raise ValueError(
            "OpenSearch aws_region is set: AWS SigV4 signing needs boto3 "
            "(pip install boto3)"
        ) from error
    from opensearchpy import Urllib3AWSV4SignerAuth

    credentials = boto3.Session().get_credentials()
    if credentials is None:
        raise ValueError("OpenSearch aws_region is set but boto3 found no credentials")
    return Urllib3AWSV4SignerAuth(credentials, region, service)
