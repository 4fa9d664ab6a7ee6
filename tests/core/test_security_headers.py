from django.urls import reverse


def test_every_page_has_a_strict_content_security_policy(client, partnership):
    response = client.get(reverse("core:sign-in"))
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_pages_have_no_inline_script_or_style(admin_client):
    html = admin_client.get(reverse("core:home")).content.decode()
    assert "<script>" not in html and "<script " not in html.replace('<script type="module" src=', "")
    assert "style=" not in html


def test_security_headers_are_sent(client, partnership):
    response = client.get(reverse("core:sign-in"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


def test_forms_carry_a_csrf_token(client, partnership):
    assert 'name="csrfmiddlewaretoken"' in client.get(reverse("core:sign-in")).content.decode()
