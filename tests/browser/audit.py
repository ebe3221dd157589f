"""Lighthouse's PWA and performance audits, checked in Chromium over the DevTools protocol.

Lighthouse dropped its PWA category in 12.0 (Chrome's install criteria changed), and a
Node install is not wanted for one test, so this is the equal check (ADR 0002):

* PWA: the audits of Lighthouse 11's PWA category that a local HTTP server can be judged
  on (``redirects-http`` needs HTTPS, so it is left out and said so), each pass or fail,
  and a score = the share passed.
* Performance: Lighthouse's mobile run with DevTools throttling (150 ms RTT x 3.75,
  1.6 Mbit/s x 0.9 down, 750 kbit/s x 0.9 up, CPU x 4) and its scoring: each metric on
  its log-normal curve (the score is 0.9 at the p10 value and 0.5 at the median), weighted
  as in Lighthouse 10+. Speed Index needs a filmstrip and is not measured: its weight is
  left out and the others are scaled up to 100.
"""

import json
import math

# Lighthouse's mobile DevTools throttling (constants.js, throttling.mobileSlow4G x the
# DevTools adjustment factors).
MOBILE_NETWORK = {"offline": False, "latency": 150 * 3.75,
                  "downloadThroughput": 1.6 * 1024 * 1024 / 8 * 0.9,
                  "uploadThroughput": 750 * 1024 / 8 * 0.9}
MOBILE_CPU_SLOWDOWN = 4
# metric: (p10, median, weight) of Lighthouse 10+ for mobile.
CURVES = {"fcp": (1800, 3000, 10), "lcp": (2500, 4000, 25), "tbt": (200, 600, 30),
          "cls": (0.1, 0.25, 25)}

# Set before any page script runs (through the DevTools protocol: the page's CSP is untouched).
OBSERVERS = """(() => {
  const perf = window.__perf = {lcp: 0, cls: 0, longTasks: []};
  new PerformanceObserver(list => list.getEntries().forEach(e => { perf.lcp = e.startTime; }))
    .observe({type: 'largest-contentful-paint', buffered: true});
  new PerformanceObserver(list => list.getEntries().forEach(e => {
    if (!e.hadRecentInput) { perf.cls += e.value; } }))
    .observe({type: 'layout-shift', buffered: true});
  new PerformanceObserver(list => list.getEntries().forEach(e => perf.longTasks.push(
    [e.startTime, e.duration]))).observe({type: 'longtask', buffered: true});
})();"""


def log_normal_score(value: float, p10: float, median: float) -> float:
    """Lighthouse's score for a metric: 1 - CDF of a log-normal through (p10, 0.9) and
    (median, 0.5)."""
    if value <= 0:
        return 1.0
    # erfc^-1(0.2): where the standard curve gives 0.9.
    inverse_erfc_one_fifth = 0.9061938024368232
    standard = math.log(value / median) * inverse_erfc_one_fifth / -math.log(p10 / median)
    return round(min(1.0, max(0.0, (1 - math.erf(standard)) / 2)), 2)


def throttle_like_lighthouse(cdp) -> None:
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", MOBILE_NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": MOBILE_CPU_SLOWDOWN})


def unthrottle(cdp) -> None:
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0,
                                                  "downloadThroughput": -1,
                                                  "uploadThroughput": -1})
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})


def performance(page) -> dict:
    """The first visit's metrics (the page must carry OBSERVERS) and the weighted score."""
    page.wait_for_timeout(300)  # let the last layout shifts and long tasks be reported
    raw = page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const fcp = (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime;
        const tbt = window.__perf.longTasks.filter(t => t[0] >= fcp)
            .reduce((sum, t) => sum + Math.max(0, t[1] - 50), 0);
        return {ttfb: nav.responseStart, fcp: fcp, lcp: window.__perf.lcp || fcp,
                tbt: tbt, cls: window.__perf.cls, load: nav.loadEventEnd};
    }""")
    scores = {name: log_normal_score(raw[name], p10, median)
              for name, (p10, median, _weight) in CURVES.items()}
    weight = sum(w for _p, _m, w in CURVES.values())
    total = sum(scores[name] * w for name, (_p, _m, w) in CURVES.items()) / weight
    return {**raw, "scores": scores, "score": round(total * 100)}


def performance_line(path: str, result: dict) -> str:
    return (f"performance {path} (Lighthouse mobile throttling, first visit): score "
            f"{result['score']}/100 - FCP {result['fcp']:.0f} ms ({result['scores']['fcp']}), "
            f"LCP {result['lcp']:.0f} ms ({result['scores']['lcp']}), "
            f"TBT {result['tbt']:.0f} ms ({result['scores']['tbt']}), "
            f"CLS {result['cls']:.3f} ({result['scores']['cls']}); TTFB {result['ttfb']:.0f} ms, "
            f"load {result['load']:.0f} ms; Speed Index not measured (weight left out)")


def _icon_side(page, src: str) -> int:
    return page.evaluate("""src => fetch(src).then(r => r.blob()).then(b => createImageBitmap(b))
        .then(i => Math.min(i.width, i.height))""", src)


def pwa_audits(page, cdp) -> dict[str, bool]:
    """Lighthouse 11's PWA audits on the page the app's worker controls (call online)."""
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    answer = cdp.send("Page.getAppManifest")
    manifest = json.loads(answer["data"])
    icons = manifest.get("icons", [])
    big = [i for i in icons if "any" in i.get("purpose", "any").split()
           and i.get("type") == "image/png" and int(i["sizes"].split("x")[0]) >= 512]
    head = page.evaluate("""() => ({
        viewport: (document.querySelector('meta[name=viewport]') || {}).content || '',
        theme: (document.querySelector('meta[name=theme-color]') || {}).content || '',
        apple: (document.querySelector('link[rel=apple-touch-icon]') || {}).href || '',
        width: document.documentElement.scrollWidth, inner: window.innerWidth,
        scope: navigator.serviceWorker.controller ? navigator.serviceWorker.controller.scriptURL : ''
    })""")
    start = manifest["start_url"]
    audits = {
        # Playwright's contexts are incognito, where Chromium never offers to install; every
        # criterion of the site itself (manifest, icons, worker, scope) must pass.
        "installable-manifest": not answer["errors"]
        and not [e for e in errors if e["errorId"] != "in-incognito"],
        "service-worker": bool(head["scope"]) and start.startswith(manifest["scope"]),
        "viewport": "width=device-width" in head["viewport"]
        and "initial-scale" in head["viewport"],
        "themed-omnibox": bool(head["theme"]) and bool(manifest.get("theme_color")),
        "splash-screen": bool(manifest.get("name") and manifest.get("background_color")
                              and manifest.get("theme_color") and big
                              and _icon_side(page, big[0]["src"]) >= 512),
        "maskable-icon": any("maskable" in i.get("purpose", "").split() for i in icons),
        "apple-touch-icon": bool(head["apple"]) and _icon_side(page, head["apple"]) >= 180,
        "content-width": head["width"] <= head["inner"],
    }
    # offline-start-url: the start URL answers 200 from the worker with no connection.
    page.context.set_offline(True)
    try:
        response = page.goto(start)
        audits["offline-start-url"] = bool(response and response.status == 200
                                           and "Tidak ada koneksi" not in page.content()
                                           and page.locator("main").count() == 1)
    finally:
        page.context.set_offline(False)
    return audits


def pwa_line(audits: dict[str, bool]) -> str:
    passed = sum(audits.values())
    detail = ", ".join(f"{name} {'ok' if ok else 'FAIL'}" for name, ok in audits.items())
    return (f"PWA (Lighthouse 11's PWA audits, redirects-http left out: local HTTP): score "
            f"{round(100 * passed / len(audits))}/100, {passed}/{len(audits)} passed - {detail}")
