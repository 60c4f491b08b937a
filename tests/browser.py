"""Helpers shared by the browser tests (headless Chromium through pytest-playwright)."""

import time


def watch_csp_violations(page) -> list[str]:
    """Every CSP violation the page reports, from the console and from the DOM event."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text)
            if "Content Security Policy" in message.text
            or "Content-Security-Policy" in message.text
            else None
        ),
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (e) =>"
        " console.error('Content Security Policy violation: ' + e.violatedDirective"
        " + ' ' + e.blockedURI + ' ' + (e.sourceFile || '') + ':' + e.lineNumber));"
    )
    return seen


def eventually(read, expected, timeout: float = 5.0):
    """``read()`` once it returns ``expected``, or its last value after ``timeout`` seconds:
    for what the page saves in the background, whose indicator may already show from an
    earlier save."""
    deadline = time.monotonic() + timeout
    value = read()
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.05)
        value = read()
    return value
