"""Deterministic data for the peer benchmark: metering events and OpenTelemetry-shaped logs.

Writes JSONEachRow files (one JSON object a line) that every system ingests unchanged, and
a small sidecar JSON with the values the queries look up (an event id, a pod, a rare token).
Same seed and row count give byte-identical files. Generation is not part of any timing.

Shapes follow the seeds: metering like OpenMeter/Appwrite/Unkey (skewed tenants, a few
metrics, API paths, methods, statuses, regions, countries, users, values, event ids over 30
days); logs like LogHouse's OTel schema (nanosecond timestamps, service, pod, severity, body
text from templates, resource and log attribute maps).
"""

import json
import os
import sys

import numpy as np

GENERATOR_VERSION = 1
METERING_START = np.datetime64("2026-10-01T00:00:00", "s")
METERING_SPAN_S = 30 * 86400
LOGS_START = np.datetime64("2026-10-01T00:00:00", "ns")
LOGS_SPAN_S = 3 * 86400
CHUNK = 500_000

METRICS = ["api_calls", "bytes_out", "tokens", "build_minutes", "storage_gb"]
METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1", "ap-northeast-1"]
COUNTRIES = ["US", "DE", "FR", "GB", "IN", "JP", "BR", "CA", "AU", "NL", "SE", "ES"]
STATUSES = [200, 200, 200, 200, 200, 200, 201, 204, 301, 400, 401, 403, 404, 429, 500, 503]
PATHS = [f"/v1/resource{i % 40}/{'items' if i < 100 else 'search'}" for i in range(200)]
GAUGE_METRIC = "storage_gb"


def metering(path, rows, seed):
    """Writes `rows` metering events; returns lookup values for the queries."""
    rng = np.random.default_rng(seed)
    meta = {"lookup_ids": []}
    want = {rows // 3, rows // 2, (2 * rows) // 3}
    with open(path, "w") as f:
        for lo in range(0, rows, CHUNK):
            n = min(CHUNK, rows - lo)
            idx = np.arange(lo, lo + n, dtype=np.int64)
            t = METERING_START + ((idx * METERING_SPAN_S) // rows).astype("timedelta64[s]")
            ts = np.datetime_as_string(t, unit="s")
            tenant = (rng.exponential(40.0, size=n).astype(np.int64)) % 1000
            metric = rng.integers(0, len(METRICS), size=n)
            pth = rng.integers(0, len(PATHS), size=n)
            method = rng.integers(0, len(METHODS), size=n)
            status = rng.integers(0, len(STATUSES), size=n)
            region = rng.integers(0, len(REGIONS), size=n)
            country = rng.integers(0, len(COUNTRIES), size=n)
            user = tenant * 100000 + rng.integers(0, 5000, size=n)
            counter = np.where(rng.integers(0, 4, size=n) == 0, 1 + rng.integers(0, 1000, size=n), 1)
            # A gauge is a level, not a count: the same tenant and hour report the same value,
            # so "latest value" is well defined even when two events share a second.
            hour = (t - METERING_START).astype(np.int64) // 3600
            gauge = (tenant * 7919 + hour * 31) % 1000 + 1
            value = np.where(metric == METRICS.index(GAUGE_METRIC), gauge, counter)
            ids = rng.integers(0, 256, size=(n, 16), dtype=np.uint8)
            lines = []
            for i in range(n):
                h = ids[i].tobytes().hex()
                uid = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
                if lo + i in want:
                    meta["lookup_ids"].append(uid)
                lines.append(
                    f'{{"time":"{ts[i][:10]} {ts[i][11:]}","tenant":"tenant_{tenant[i]}",'
                    f'"metric":"{METRICS[metric[i]]}","path":"{PATHS[pth[i]]}","method":"{METHODS[method[i]]}",'
                    f'"status":{STATUSES[status[i]]},"region":"{REGIONS[region[i]]}",'
                    f'"country":"{COUNTRIES[country[i]]}","user_id":{user[i]},"value":{value[i]},"id":"{uid}"}}\n'
                )
            f.write("".join(lines))
    return meta


SERVICES = {
    "api-gateway": ("edge", 20), "auth": ("identity", 8), "billing": ("payments", 6),
    "payments": ("payments", 10), "search": ("search", 14), "ingest": ("data", 16),
    "query-engine": ("data", 18), "scheduler": ("platform", 4), "notifier": ("platform", 6),
    "web": ("edge", 12), "cache": ("platform", 10), "exporter": ("data", 6),
}
SEVERITIES = [("DEBUG", 5, 0.15), ("INFO", 9, 0.70), ("WARN", 13, 0.10), ("ERROR", 17, 0.05)]
# (template, weight, logger); {} fields are filled per row. No quotes or backslashes, so
# the bodies need no JSON escaping.
TEMPLATES = [
    ("Processed request {method} {path} in {ms} ms, status {status}", 30, "http.server"),
    ("Query {qid} read {rows} rows, {mib} MiB in {sec} sec., {rps} rows/sec.", 12, "executeQuery"),
    ("Request {req} from {ip} authenticated as user {user}", 8, "auth.session"),
    ("Cache miss for key tenant:{user}:profile, loading from origin", 8, "cache.lookup"),
    ("Merged {parts} parts: from {part} to {part2}, {rows} rows", 6, "MergeTreeDataMerger"),
    ("Connection to {host}:{port} timed out after {ms} ms", 3, "net.client"),
    ("Retrying request {req} to {host} (attempt {n}/5): connection reset by peer", 4, "net.client"),
    ("Upstream {host} returned 503, request {req} failed with timeout after {ms} ms", 2, "http.proxy"),
    ("Checkpoint complete: wrote {rows} buffers ({mib} MiB) in {sec} s", 3, "storage.wal"),
    ("User {user} logged in from {ip}", 5, "auth.login"),
    ("Scheduled job {job} finished in {sec} s with exit code 0", 4, "scheduler.run"),
    ("Payment {req} captured: amount {cents} cents, currency EUR", 3, "payments.capture"),
    ("Slow query {qid}: {sec} s, read {rows} rows", 2, "executeQuery"),
    ("Memory usage {mib} MiB of 16384 MiB, {n} threads", 4, "memory.tracker"),
    ("Lock wait timeout exceeded on table events_{n}, request {req}", 1, "storage.lock"),
    ("Sent {n} notifications to queue notify-{n}", 5, "notifier.send"),
]


def logs(path, rows, seed):
    """Writes `rows` log records; returns lookup values for the queries."""
    rng = np.random.default_rng(seed + 1)
    pods, pod_service = [], []
    for s, (ns, count) in SERVICES.items():
        for k in range(count):
            pods.append(f"{s}-{rng.integers(0, 16**9):09x}-{rng.integers(0, 16**5):05x}")
            pod_service.append(s)
    pod_weight = rng.pareto(1.5, size=len(pods)) + 1
    pod_weight /= pod_weight.sum()
    pod_attrs = []
    for i, p in enumerate(pods):
        s = pod_service[i]
        pod_attrs.append(
            f'{{"k8s.namespace":"{SERVICES[s][0]}","k8s.pod.name":"{p}","k8s.node.name":"node-{i % 23}",'
            f'"cloud.region":"{REGIONS[i % len(REGIONS)]}","service.version":"1.{i % 7}.{i % 3}"}}'
        )
    sev_p = np.array([w for _, _, w in SEVERITIES])
    tpl_p = np.array([w for _, w, _ in TEMPLATES], dtype=float)
    tpl_p /= tpl_p.sum()
    meta = {}
    want = rows // 2
    with open(path, "w") as f:
        for lo in range(0, rows, CHUNK):
            n = min(CHUNK, rows - lo)
            idx = np.arange(lo, lo + n, dtype=np.int64)
            # Evenly spread, jittered inside each step; idx * step stays far from int64 overflow.
            step = max((LOGS_SPAN_S * 10**9) // rows, 1)
            t = LOGS_START + (idx * step + rng.integers(0, step, size=n)).astype("timedelta64[ns]")
            ts = np.datetime_as_string(t, unit="ns")
            pod = rng.choice(len(pods), size=n, p=pod_weight)
            sev = rng.choice(len(SEVERITIES), size=n, p=sev_p)
            tpl = rng.choice(len(TEMPLATES), size=n, p=tpl_p)
            nums = rng.integers(1, 100000, size=(n, 4))
            req = rng.integers(0, 2**63, size=n, dtype=np.int64)
            qid = rng.integers(0, 2**63, size=n, dtype=np.int64)
            trace = rng.integers(0, 2**63, size=(n, 2), dtype=np.int64)
            lines = []
            for i in range(n):
                a, b, c, d = nums[i]
                text, _, logger = TEMPLATES[tpl[i]]
                r = f"{req[i]:016x}"
                q = f"{qid[i]:016x}"
                body = text.format(
                    method=METHODS[a % 5], path=PATHS[b % 200], ms=a % 5000, status=STATUSES[c % 16],
                    qid=q, rows=a * 10 + b, mib=b % 4096, sec=f"{(c % 9000) / 1000:.3f}", rps=a * 37,
                    req=r, ip=f"10.{a % 256}.{b % 256}.{c % 256}", user=d % 20000, parts=2 + a % 9,
                    part=f"202610_{b}_{b + c % 50}_1", part2=f"202610_{b}_{b + c % 50 + 3}_2",
                    host=f"{pod_service[(a + b) % len(pods)]}.svc.cluster.local", port=8000 + a % 100, n=1 + c % 5,
                    job=f"job-{b % 300}", cents=a % 50000,
                )
                la = f'"logger":"{logger}","thread_id":"{1000 + d % 64}","source_line":"{logger}.cc:{a % 900}"'
                if "{qid}" in text:
                    la += f',"query_id":"{q}"'
                if "{req}" in text:
                    la += f',"request_id":"{r}"'
                if lo + i == want:
                    meta["pod"] = pods[pod[i]]
                    meta["pod_ts"] = ts[i][:13].replace("T", " ") + ":00:00"
                if lo + i >= want and "rare_token" not in meta and "{req}" in text:
                    meta["rare_token"] = r
                if lo + i >= want and "query_id" not in meta and "{qid}" in text:
                    meta["query_id"] = q
                name, num, _ = SEVERITIES[sev[i]]
                lines.append(
                    f'{{"Timestamp":"{ts[i][:10]} {ts[i][11:]}","ServiceName":"{pod_service[pod[i]]}",'
                    f'"PodName":"{pods[pod[i]]}","SeverityText":"{name}","SeverityNumber":{num},'
                    f'"TraceId":"{trace[i][0]:016x}{trace[i][1]:016x}","Body":"{body}",'
                    f'"ResourceAttributes":{pod_attrs[pod[i]]},"LogAttributes":{{{la}}}}}\n'
                )
            f.write("".join(lines))
    return meta


def generate(out_dir, metering_rows, logs_rows, seed):
    """Generates both files unless identical ones exist; returns {name: path} and meta."""
    os.makedirs(out_dir, exist_ok=True)
    tag = f"v{GENERATOR_VERSION}-s{seed}"
    files = {
        "metering": os.path.join(out_dir, f"metering-{metering_rows}-{tag}.jsonl"),
        "logs": os.path.join(out_dir, f"logs-{logs_rows}-{tag}.jsonl"),
    }
    meta_path = os.path.join(out_dir, f"meta-{metering_rows}-{logs_rows}-{tag}.json")
    if all(os.path.exists(p) for p in files.values()) and os.path.exists(meta_path):
        with open(meta_path) as f:
            return files, json.load(f)
    meta = {"metering": metering(files["metering"], metering_rows, seed),
            "logs": logs(files["logs"], logs_rows, seed)}
    with open(meta_path, "w") as f:
        json.dump(meta, f)
    return files, meta


if __name__ == "__main__":
    out, m_rows, l_rows = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(generate(out, m_rows, l_rows, seed=42), indent=1))
