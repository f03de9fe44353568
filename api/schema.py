"""The OpenAPI description covers the read API only, not Wagtail's admin API."""


def only_read_api(endpoints, **kwargs):
    return [
        (path, path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
        if path.startswith("/api/")
    ]
