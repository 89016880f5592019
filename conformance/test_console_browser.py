"""The web console in a real browser: headless Chromium (Debian's package), driven over the DevTools protocol, signs
in, walks every page, applies a filter, archives a finding, changes the publishing frequency, and saves a
screenshot of each page under test-output/console/."""
import base64
import json
import os
import shutil
import subprocess
import tempfile
import time

import pytest
import requests

from conftest import OUTPUT, enrolled_pair, free_port
from test_findings import finding, ingest

websocket = pytest.importorskip("websocket", reason="pip websocket-client drives Chromium")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed")
SHOTS = os.path.join(OUTPUT, "console")


class Browser:
    """One Chromium tab over the DevTools protocol."""

    def __init__(self):
        self.port = free_port()
        self.profile = tempfile.mkdtemp(prefix="guardpost-chromium-")
        self.process = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
             f"--remote-debugging-port={self.port}", f"--user-data-dir={self.profile}", "--window-size=1280,900", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 30
        while True:
            try:
                pages = [t for t in requests.get(f"http://127.0.0.1:{self.port}/json/list", timeout=1).json() if t["type"] == "page"]
                if pages:
                    break
            except requests.RequestException:
                pass
            if time.time() > deadline:
                raise AssertionError("Chromium did not open its DevTools port")
            time.sleep(0.2)
        self.socket = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=30, suppress_origin=True)
        self.next_id = 0
        self.call("Page.enable")

    def call(self, method, **params):
        self.next_id += 1
        self.socket.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise AssertionError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_loaded(self, path_prefix=None):
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                state, path = self.evaluate("[document.readyState, location.pathname + location.search]")
                if state == "complete" and (path_prefix is None or path.startswith(path_prefix)):
                    return path
            except (AssertionError, websocket.WebSocketException):
                pass
            time.sleep(0.1)
        raise AssertionError(f"page did not load ({path_prefix})")

    def go(self, url, path_prefix=None):
        self.call("Page.navigate", url=url)
        time.sleep(0.2)
        return self.wait_loaded(path_prefix)

    def submit(self, script, path_prefix):
        """Runs a script that submits a form, then waits for the next page."""
        self.evaluate("window.__old = true")
        self.evaluate(script)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                if self.evaluate("window.__old === undefined && document.readyState === 'complete'"):
                    return self.wait_loaded(path_prefix)
            except (AssertionError, websocket.WebSocketException):
                pass
            time.sleep(0.1)
        raise AssertionError("the form did not lead to a new page")

    def screenshot(self, name):
        os.makedirs(SHOTS, exist_ok=True)
        data = base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])
        path = os.path.join(SHOTS, f"{name}.png")
        with open(path, "wb") as f:
            f.write(data)
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
        return path

    def close(self):
        try:
            self.socket.close()
        finally:
            self.process.terminate()
            self.process.wait(timeout=10)
            shutil.rmtree(self.profile, ignore_errors=True)


def test_a_security_engineer_walks_the_console(server):
    admin, admin_detector, member, member_detector = enrolled_pair(server)
    admin.client().create_sample_findings(DetectorId=admin_detector, FindingTypes=["Recon:EC2/Portscan", "CryptoCurrency:EC2/BitcoinTool.B"])
    ingest(member, member_detector, [finding(member.account_id, member_detector, f"b{i}", remote=f"203.0.113.{i + 1}") for i in range(3)])
    base = server.endpoint
    browser = Browser()
    try:
        browser.go(f"{base}/console", "/console/login")
        browser.screenshot("00-sign-in")
        browser.submit(
            f"document.querySelector('[name=accessKeyId]').value = '{admin.access_key_id}';"
            f"document.querySelector('[name=secretAccessKey]').value = '{admin.secret_access_key}';"
            "document.querySelector('form[action=\"/console/login\"]').submit()", "/console")
        assert browser.evaluate("document.querySelector('h1').textContent") == "Summary"
        assert browser.evaluate("document.cookie") == ""  # the session cookie is HttpOnly: scripts do not see it
        pages = [("01-summary", "/console", "Summary"), ("02-findings", "/console/findings", "Findings"), ("03-usage", "/console/usage", "Usage"),
                 ("04-settings", "/console/settings", "Settings"), ("05-lists", "/console/lists", "Lists"),
                 ("06-s3-protection", "/console/features", "S3 Protection and features"), ("07-accounts", "/console/accounts", "Accounts")]
        for name, path, title in pages:
            browser.go(base + path, path)
            assert browser.evaluate("document.querySelector('h1').textContent") == title
            browser.screenshot(name)
        # The summary counts what the API counts.
        browser.go(base + "/console", "/console")
        high = int(browser.evaluate("document.querySelectorAll('.card strong')[0].textContent"))
        stats = admin.client().get_findings_statistics(DetectorId=admin_detector, GroupBy="SEVERITY",
                                                        FindingCriteria={"Criterion": {"service.archived": {"Eq": ["false"]}}})
        assert high == sum(s["TotalFindings"] for s in stats["FindingStatistics"]["GroupedBySeverity"] if s["Severity"] >= 7)

        # Filter: High only.
        browser.go(base + "/console/findings", "/console/findings")
        path = browser.submit("document.querySelector('[name=severity]').value = '7'; document.querySelector('form[method=get]').submit()", "/console/findings")
        assert "severity=7" in path
        severities = browser.evaluate("[...document.querySelectorAll('td .sev')].map(e => e.textContent)")
        assert severities and all(s.startswith("High") for s in severities)
        browser.screenshot("08-findings-high")

        # Archive one of the member's findings.
        browser.go(base + f"/console/findings?account={member.account_id}", "/console/findings")
        browser.submit("document.querySelector('input[name=id][value=b0]').checked = true; document.getElementById('bulk').submit()", "/console/findings")
        archived = admin.client().get_findings(DetectorId=admin_detector, FindingIds=["b0", "b1"])["Findings"]
        assert {f["Id"]: f["Service"]["Archived"] for f in archived} == {"b0": True, "b1": False}
        browser.go(base + "/console/findings?archived=true&id=b0", "/console/findings")
        assert "b0" in browser.evaluate("document.body.innerText")
        browser.screenshot("09-archived-detail")

        # Publishing frequency.
        browser.go(base + "/console/settings", "/console/settings")
        browser.submit("document.querySelector('[name=findingPublishingFrequency]').value = 'FIFTEEN_MINUTES';"
                       "document.querySelector('form[action=\"/console/settings/frequency\"]').submit()", "/console/settings")
        assert admin.client().get_detector(DetectorId=admin_detector)["FindingPublishingFrequency"] == "FIFTEEN_MINUTES"
        assert browser.evaluate("document.querySelector('[name=findingPublishingFrequency]').value") == "FIFTEEN_MINUTES"
        browser.screenshot("10-settings-after")
    finally:
        browser.close()
    assert len([n for n in os.listdir(SHOTS) if n.endswith(".png")]) >= 11
