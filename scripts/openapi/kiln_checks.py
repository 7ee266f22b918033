"""Schemathesis checks Kiln adds (loaded by scripts/openapi-check.sh through SCHEMATHESIS_HOOKS)."""

import schemathesis


@schemathesis.check
def error_has_detail(ctx, response, case):
    """Every 4xx and 5xx answer is JSON with a non-empty string `detail`."""
    if response.status_code < 400:
        return None
    try:
        body = response.json()
    except Exception:
        raise AssertionError(f"{response.status_code} answer is not JSON: {response.text[:200]!r}")
    detail = body.get("detail") if isinstance(body, dict) else None
    if not isinstance(detail, str) or not detail:
        raise AssertionError(f"{response.status_code} answer has no string `detail`: {response.text[:200]!r}")
    return None
