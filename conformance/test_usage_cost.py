"""GetUsageStatistics answers in USD, as GuardDuty does: a member's real agent analyses known volumes of flow logs and
CloudTrail events, and boto3, the aws CLI and the console see what that volume would have cost on GuardDuty under the
shipped price table (pricing/guardduty-prices.json). RECORDS and BYTES still answer; another unit is GuardDuty's 400;
an operator's table (serve --price-table) replaces the prices, and a malformed one stops the server at start."""
import json
import os
import shutil
import subprocess
import tempfile
from decimal import ROUND_HALF_UP, Decimal

import pytest
from botocore.exceptions import ClientError

from conftest import BINARY, ROOT, Console, Server, free_port, send
from test_agents_end_to_end import SCENARIO, Agent, wait_for

with open(os.path.join(ROOT, "pricing", "guardduty-prices.json")) as f:
    PRICES = json.load(f)


def meter(data_source):
    return next(m for m in PRICES["meters"] if data_source in m["dataSources"])


def first_tier_cost(data_source, volume):
    """What `volume` records or bytes cost in the first tier of the meter pricing `data_source` (as in the file)."""
    m = meter(data_source)
    assert Decimal(volume) / m["perUnit"] < Decimal(m["tiers"][0].get("upTo", "inf")), "the test volume must stay in the first tier"
    return Decimal(volume) / m["perUnit"] * Decimal(m["tiers"][0]["price"])


def usd(amount):
    """An amount as GuardDuty writes it: a plain decimal string, 10 decimal places at most, no trailing zeros."""
    rounded = amount.quantize(Decimal("1e-10"), rounding=ROUND_HALF_UP)
    return "0" if rounded.is_zero() else format(rounded.normalize(), "f")


def totals(answer, group, key):
    return {row[key]: row["Total"] for row in answer["UsageStatistics"].get(group, [])}


def flow_log(path, lines):
    with open(path, "w") as f:
        for i in range(lines):
            f.write(f"2 111122223333 eni-0a1b2c3d 10.0.{i % 200}.{i % 250} 172.31.0.{i % 100} {1024 + i % 5000} 443 6 10 8400 "
                    f"{1700000000 + i} {1700000060 + i} ACCEPT OK\n")


def test_an_agents_volume_is_priced_in_usd_for_boto3_the_cli_and_the_console(server, tmp_path):
    member = server.create_account()
    gd = member.client()
    detector = gd.create_detector(Enable=True)["DetectorId"]
    (tmp_path / "flow").mkdir()
    (tmp_path / "cloudtrail").mkdir()
    flow_log(tmp_path / "flow" / "vpc.log", 20000)
    shutil.copy(os.path.join(SCENARIO, "attacker_cloudtrail.native.json"), tmp_path / "cloudtrail" / "1.json")
    flow_bytes = os.path.getsize(tmp_path / "flow" / "vpc.log")
    with open(tmp_path / "cloudtrail" / "1.json") as f:
        events = len(json.load(f)["Records"])

    agent = Agent("usage-cost", member, "us-east-1", str(tmp_path / "state"), flow_logs=[str(tmp_path / "flow")],
                  cloudtrail=[str(tmp_path / "cloudtrail")]).start()
    try:
        def counted():
            got = gd.get_usage_statistics(DetectorId=detector, UsageStatisticType="SUM_BY_DATA_SOURCE",
                                          UsageCriteria={"DataSources": ["FLOW_LOGS", "CLOUD_TRAIL"]}, Unit="BYTES")
            records = gd.get_usage_statistics(DetectorId=detector, UsageStatisticType="SUM_BY_DATA_SOURCE",
                                              UsageCriteria={"DataSources": ["FLOW_LOGS", "CLOUD_TRAIL"]}, Unit="RECORDS")
            return (totals(got, "SumByDataSource", "DataSource").get("FLOW_LOGS", {}).get("Amount") == str(flow_bytes)
                    and totals(records, "SumByDataSource", "DataSource").get("CLOUD_TRAIL", {}).get("Amount") == str(events))
        wait_for(counted, timeout=90, what="the agent's usage (the flow log's bytes and the CloudTrail events)")
    finally:
        agent.stop()

    flow_usd, trail_usd = first_tier_cost("FLOW_LOGS", flow_bytes), first_tier_cost("CLOUD_TRAIL", events)
    # boto3 without a Unit: USD, per data source and per account.
    by_source = gd.get_usage_statistics(DetectorId=detector, UsageStatisticType="SUM_BY_DATA_SOURCE",
                                        UsageCriteria={"DataSources": ["FLOW_LOGS", "CLOUD_TRAIL", "DNS_LOGS", "S3_LOGS"]})
    assert totals(by_source, "SumByDataSource", "DataSource") == {
        "FLOW_LOGS": {"Amount": usd(flow_usd), "Unit": "USD"}, "CLOUD_TRAIL": {"Amount": usd(trail_usd), "Unit": "USD"}}
    by_account = gd.get_usage_statistics(DetectorId=detector, UsageStatisticType="SUM_BY_ACCOUNT", UsageCriteria={"AccountIds": [member.account_id]},
                                         Unit="USD")
    assert totals(by_account, "SumByAccount", "AccountId") == {member.account_id: {"Amount": usd(flow_usd + trail_usd), "Unit": "USD"}}
    # The aws CLI reads the same amounts.
    features = member.aws("get-usage-statistics", "--detector-id", detector, "--usage-statistic-type", "SUM_BY_FEATURES",
                          "--usage-criteria", json.dumps({"Features": ["FLOW_LOGS", "CLOUD_TRAIL"]}))
    assert totals(features, "SumByFeature", "Feature")["FLOW_LOGS"] == {"Amount": usd(flow_usd), "Unit": "USD"}
    top = member.aws("get-usage-statistics", "--detector-id", detector, "--usage-statistic-type", "TOP_ACCOUNTS_BY_FEATURE",
                     "--usage-criteria", json.dumps({"Features": ["CLOUD_TRAIL"]}), "--unit", "USD")
    assert top["UsageStatistics"]["TopAccountsByFeature"][0]["Accounts"][0]["Total"] == {"Amount": usd(trail_usd), "Unit": "USD"}
    # Any other unit is GuardDuty's 400.
    with pytest.raises(ClientError) as refused:
        gd.get_usage_statistics(DetectorId=detector, UsageStatisticType="SUM_BY_ACCOUNT", UsageCriteria={}, Unit="EUR")
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert refused.value.response["Error"]["Code"] == "BadRequestException"
    cli = member.aws("get-usage-statistics", "--detector-id", detector, "--usage-statistic-type", "SUM_BY_ACCOUNT",
                     "--usage-criteria", "{}", "--unit", "EUR", check=False)
    assert cli.returncode != 0 and "BadRequestException" in cli.stderr
    # The console's Usage page: the volume, the cost per account and source, and the price table's date.
    console = Console(server)
    assert console.sign_in(member.access_key_id, member.secret_access_key).status_code == 303
    page = console.get("/console/usage").text
    assert f"<td>{flow_bytes}</td>" in page and f"<td>{usd(flow_usd)}</td>" in page and f"<td>{usd(flow_usd + trail_usd)}</td>" in page
    assert PRICES["effectiveDate"] in page and PRICES["region"] in page


def test_an_operators_price_table_replaces_the_shipped_one(tmp_path):
    table = dict(PRICES, effectiveDate="2027-01-01", meters=[
        {"name": "network", "dataSources": ["FLOW_LOGS", "DNS_LOGS"], "measure": "bytes", "perUnit": 1000000000, "unit": "GB",
         "tiers": [{"price": "2"}]}])
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(table))
    server = Server("usage_override", extra_args=["--price-table", str(path)]).start()
    try:
        account = server.create_account()
        gd = account.client()
        detector = gd.create_detector(Enable=True)["DetectorId"]
        body = {"agentId": "agent-override1", "detectorId": detector, "hostname": "h", "version": "0.4.0", "configVersion": 1,
                "sources": [{"dataSource": "FLOW_LOGS", "path": "/f", "records": 3, "errors": 0, "recordsSinceLast": 3, "bytesSinceLast": 3 * 10**9},
                            {"dataSource": "CLOUD_TRAIL", "path": "/c", "records": 10**6, "errors": 0, "recordsSinceLast": 10**6,
                             "bytesSinceLast": 1}]}
        answer = send(account.signed("POST", "/agent/v1/heartbeat", body=json.dumps(body).encode(), headers={"content-type": "application/json"}))
        assert answer.status_code == 200, answer.text
        got = gd.get_usage_statistics(DetectorId=detector, UsageStatisticType="SUM_BY_DATA_SOURCE", UsageCriteria={})
        # 3 GB at the operator's $2, and CloudTrail, which the operator's table does not price, at nothing.
        assert totals(got, "SumByDataSource", "DataSource") == {"FLOW_LOGS": {"Amount": "6", "Unit": "USD"},
                                                                "CLOUD_TRAIL": {"Amount": "0", "Unit": "USD"}}
        console = Console(server)
        console.sign_in(account.access_key_id, account.secret_access_key)
        assert "2027-01-01" in console.get("/console/usage").text
    finally:
        server.stop()


@pytest.mark.parametrize("content, wording", [
    ("{not json", "not JSON"),
    (json.dumps(dict(PRICES, meters=[dict(PRICES["meters"][0], tiers=[{"upTo": "10", "price": "1"}])])), "the last tier must have no upTo"),
    (json.dumps(dict(PRICES, meters=[dict(PRICES["meters"][0], tiers=[{"price": 4.0}])])), "wrong type"),
])
def test_a_malformed_price_table_stops_the_server_at_start_saying_why(tmp_path, content, wording):
    path = tmp_path / "prices.json"
    path.write_text(content)
    data_dir = tempfile.mkdtemp(prefix="guardpost-badprices-")
    try:
        result = subprocess.run([BINARY, "serve", "--port", str(free_port()), "--data-dir", data_dir, "--price-table", str(path)],
                                capture_output=True, text=True, timeout=60)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    assert result.returncode not in (0, -6, -11, 134, 139), result.stderr
    assert "--price-table" in result.stderr and wording in result.stderr, result.stderr
    assert "Fatal error" not in result.stderr
