"""A real Chromium (Debian's package, driven by Playwright) against the app served on
loopback. Tests here are marked ``browser``; they skip when /usr/bin/chromium is absent."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("ECASE_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    """When a step of a browser test fails, keep a screenshot of the page as it was: in the
    test's tmp dir (and in $ECASE_SCREENSHOT_DIR when set, for CI to keep as an artifact),
    its path printed with the failure."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    funcargs = getattr(item, "funcargs", {})
    page = funcargs.get("browser_page")
    if page is None:
        return
    from pathlib import Path

    name = re.sub(r"[^\w.-]+", "_", item.name)[:80] + ".png"
    targets = [Path(funcargs["tmp_path"]) / name] if "tmp_path" in funcargs else []
    if os.environ.get("ECASE_SCREENSHOT_DIR"):
        targets.append(Path(os.environ["ECASE_SCREENSHOT_DIR"]) / name)
    saved = []
    for target in targets:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(target), full_page=True)
            saved.append(str(target))
        except Exception as e:  # the page may be gone with the failure
            saved.append(f"{target} (not saved: {e})")
    if not targets:
        return
    report.sections.append(("screenshot", "\n".join(saved)))
    print(f"\nscreenshot of the failed step: {', '.join(saved)}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def live_server(app: Any) -> Iterator[str]:
    """The test's app on a free loopback port; yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    """Keep each phase's report on the test item, so fixtures can tell a failed test."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def save_failure_screenshot(request: pytest.FixtureRequest, page: Any, tmp_path: Any) -> None:
    """When the test failed: a full-page screenshot of where it stopped, under the test's
    tmp dir (or ``ECASE_SCREENSHOT_DIR``, which CI keeps as artifacts); its path printed."""
    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed:
        return
    from pathlib import Path

    folder = Path(os.environ.get("ECASE_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"FAILED-{request.node.name}.png"
    try:
        page.screenshot(path=str(path), full_page=True)
        print(f"\nscreenshot of the failed step ({page.url}): {path}")
    except Exception as e:  # noqa: BLE001 - a closed page must not hide the failure itself
        print(f"\nno screenshot of the failed step: {e}")


@pytest.fixture
def browser_page(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
        page = context.new_page()
        try:
            yield page
            save_failure_screenshot(request, page, tmp_path)
        finally:
            context.close()
            browser.close()


def log_in(page: Any, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


#: Text that stands out from what is under it by less than WCAG AA asks (4.5:1, or 3:1 for
#: large text): [text, element, ratio]. The colour is blended with the element's opacity
#: and those of its ancestors over the first opaque background behind it.
_HARD_TO_READ = r"""() => {
  const rgba = c => { const p = c.match(/rgba?\(([^)]+)\)/)[1].split(",").map(Number);
                      return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
                     return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
  const under = el => { for (; el; el = el.parentElement) { const c = rgba(getComputedStyle(el).backgroundColor);
                        if (c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
  const out = [];
  for (const el of document.querySelectorAll("body *")) {
    const own = [...el.childNodes].filter(n => n.nodeType === 3 && n.textContent.trim()).map(n => n.textContent.trim()).join(" ");
    const box = el.getBoundingClientRect();
    if (!own || !box.width || !box.height || el.disabled || el.closest("[hidden]")) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === "hidden") continue;
    let a = rgba(cs.color).a;
    for (let e = el; e; e = e.parentElement) a *= parseFloat(getComputedStyle(e).opacity);
    const fg = rgba(cs.color), bg = under(el);
    const mix = k => fg[k] * a + bg[k] * (1 - a);
    const l1 = lum({r: mix("r"), g: mix("g"), b: mix("b")}), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(cs.fontSize), large = size >= 24 || (size >= 18.66 && parseInt(cs.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5)) out.push([own.slice(0, 30), el.tagName + "." + el.className, Math.round(ratio * 100) / 100]);
  }
  return out;
}"""


def hard_to_read(page: Any) -> list[list[Any]]:
    """The words of the page a reader with ordinary sight may not make out: each as
    [text, element, contrast ratio] (WCAG AA, 4.5:1 for body text, 3:1 for large)."""
    return page.evaluate(_HARD_TO_READ)
