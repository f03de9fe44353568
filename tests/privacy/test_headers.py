"""Issue 9, item 13: a Content-Security-Policy without inline script, and a
Permissions-Policy, on every page of the portal."""

import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = ["/", "/knowledge/", "/search/?q=census", "/knowledge/submit/", "/forums/"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_carry_the_policies_and_no_inline_script(client, world, url):
    client.force_login(world["member"])

    response = client.get(url)

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "object-src 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]
    inline_scripts = [
        attributes
        for attributes, _body in re.findall(
            r"<script([^>]*)>(.*?)</script>", response.content.decode(), re.S
        )
        if "src=" not in attributes and "application/ld+json" not in attributes
    ]
    assert inline_scripts == []


def test_development_reports_and_production_enforces():
    from portal.settings import base

    assert base.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] == ["'self'"]
    source = open(base.__file__.replace("base.py", "development.py")).read()
    assert "CONTENT_SECURITY_POLICY_REPORT_ONLY = CONTENT_SECURITY_POLICY" in source
    assert (
        "CONTENT_SECURITY_POLICY"
        not in open(base.__file__.replace("base.py", "production.py")).read()
    )
