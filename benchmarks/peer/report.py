"""Renders a peer-benchmark results JSON into docs/benchmarks.md (between the peer markers)
and PNG charts in docs/img/.

  python benchmarks/peer/report.py benchmarks/results/<date>-<commit>.json
"""

import json
import math
import os
import sys

BEGIN, END = "<!-- peer:begin -->", "<!-- peer:end -->"
# Sections of docs/benchmarks.md a run can write: the main run (`make bench`) and the
# large one (`make bench-full`), each with its own markers, heading and chart files.
SECTIONS = {
    "main": {"markers": (BEGIN, END), "stem": "peer",
             "heading": "## Side by side with ClickHouse (chDB) and DuckDB (issue 4)"},
    "full": {"markers": ("<!-- peer-full:begin -->", "<!-- peer-full:end -->"), "stem": "peer-full",
             "heading": "## Side by side at scale (`make bench-full`)"},
}
NAMES = {"tally": "tally", "tally_native": "tally (native API)", "chdb": "ClickHouse (chDB)", "duckdb": "DuckDB"}
COLORS = {"tally": "#1f77b4", "tally_native": "#6baed6", "chdb": "#ff7f0e", "duckdb": "#2ca02c"}


def ms(s):
    return "–" if s is None else (f"{s * 1000:.1f}" if s < 10 else f"{s * 1000:.0f}")


def mib(b):
    return f"{b / 2**20:.0f}"


def ratio(a, b):
    return a / b if a is not None and b else None


def fr(x):
    return "–" if x is None else f"{x:.2f}x"


def geomean(xs):
    xs = [x for x in xs if x]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def goals(r):
    """[(goal, target text, measured ratio, met)] for each workload where it applies."""
    out = []
    for wl in ("metering", "logs"):
        ing = r["ingest"][wl]
        t, c = ing.get("tally", {}), ing.get("chdb", {})
        tn = ing.get("tally_native", {})
        if "rows_per_s" in t and "rows_per_s" in c:
            x = t["rows_per_s"] / c["rows_per_s"]
            out.append((f"{wl}: ingest rows/s, JSONEachRow (tally/ClickHouse)", ">= 1.5x", x, x >= 1.5))
        if "rows_per_s" in tn and "rows_per_s" in c:
            x = tn["rows_per_s"] / c["rows_per_s"]
            out.append((f"{wl}: ingest rows/s, native API vs ClickHouse JSONEachRow", ">= 1.5x", x, x >= 1.5))
        if "bytes_per_row" in t and "bytes_per_row" in c:
            x = t["bytes_per_row"] / c["bytes_per_row"]
            out.append((f"{wl}: bytes on disk per row", "<= 0.8x", x, x <= 0.8))
        if "peak_rss_bytes" in t and "peak_rss_bytes" in c:
            x = t["peak_rss_bytes"] / c["peak_rss_bytes"]
            out.append((f"{wl}: peak RSS during ingest", "<= 0.5x", x, x <= 0.5))
    for label, pick, target, limit in (
            ("metering: query latency, geometric mean of hot medians", lambda q: q["workload"] == "metering",
             "<= 0.5x", 0.5),
            ("logs: token search latency, geometric mean of hot medians",
             lambda q: q["name"].startswith("token_search"), "<= 1x", 1.0)):
        qs = [q for q in r["queries"] if pick(q)]
        ts = [q["systems"].get("tally", {}).get("hot_median_s") for q in qs]
        cs = [q["systems"].get("chdb", {}).get("hot_median_s") for q in qs]
        if all(ts) and all(cs) and qs:
            x = geomean([a / b for a, b in zip(ts, cs)])
            out.append((label, target, x, x <= limit))
        else:
            out.append((label, target, None, False))
    return out


def charts(r, img_dir, stem):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(img_dir, exist_ok=True)
    paths = {}
    systems = ("tally", "tally_native", "chdb", "duckdb")
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
    for ax, (key, title, scale) in zip(axes, (("rows_per_s", "ingest, million rows/s", 1e6),
                                              ("bytes_per_row", "bytes on disk per row", 1),
                                              ("peak_rss_bytes", "peak RSS during ingest, MiB", 2**20))):
        wls = list(r["ingest"])
        width = 0.2
        for i, s in enumerate(systems):
            vals = [r["ingest"][wl].get(s, {}).get(key, 0) / scale for wl in wls]
            if s == "tally_native" and key == "bytes_per_row":
                continue
            ax.bar([j + i * width for j in range(len(wls))], vals, width, label=NAMES[s], color=COLORS[s])
        ax.set_xticks([j + 1.5 * width for j in range(len(wls))], wls)
        ax.set_title(title, fontsize=10)
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    paths["ingest"] = os.path.join(img_dir, f"{stem}-ingest.png")
    fig.savefig(paths["ingest"], dpi=90)
    plt.close(fig)

    qs = r["queries"]
    fig, ax = plt.subplots(figsize=(13, 4.2))
    width = 0.27
    for i, s in enumerate(("tally", "chdb", "duckdb")):
        vals = [q["systems"].get(s, {}).get("hot_median_s") or 0 for q in qs]
        ax.bar([j + i * width for j in range(len(qs))], [v * 1000 for v in vals], width, label=NAMES[s],
               color=COLORS[s])
    ax.set_yscale("log")
    ax.set_ylabel("hot median, ms (log scale)")
    ax.set_xticks([j + width for j in range(len(qs))], [q["name"] for q in qs], rotation=35, ha="right",
                  fontsize=8)
    ax.legend(fontsize=8)
    ax.set_title("query latency (hot, median of 5; missing bar = failed)", fontsize=10)
    fig.tight_layout()
    paths["queries"] = os.path.join(img_dir, f"{stem}-queries.png")
    fig.savefig(paths["queries"], dpi=90)
    plt.close(fig)
    return paths


def run_rows(r):
    """The rows every section's setup table has: the commit, the machine and its load."""
    m = r["machine"]
    return [f"| Commit | `{r['commit']}`{' plus uncommitted changes' if r.get('dirty') else ''}, {r['date']} |",
            f"| Machine | {m.get('Model name', '?')}, {m.get('CPU(s)', '?')} CPUs, {m.get('MemTotal', '?')} RAM,"
            f" {m.get('platform', '')} |",
            f"| Load | load average {' '.join(m.get('loadavg_start', []))} at start,"
            f" {' '.join(m.get('loadavg_end', []))} at the end (the machine is shared) |"]


def profile_tables(profiles):
    """One table per perf profile: self time by function, or the profile's error."""
    L = []
    for name, p in profiles.items():
        L.append(f"**{name}**" + (f": error `{p['error']}`" if "error" in p else ""))
        L.append("")
        if "top" in p:
            L += ["| self % | where | function |", "|---|---|---|"]
            L += [f"| {t['percent']:.1f} | {t['dso']} | `{t['symbol']}` |" for t in p["top"]]
            L.append("")
    return L


def markdown(r, json_rel, img_rel, section="main"):
    m = r["machine"]
    begin, end = SECTIONS[section]["markers"]
    L = [begin, "", SECTIONS[section]["heading"], "",
         "Generated by `benchmarks/peer/report.py` from "
         f"[`{json_rel}`]({os.path.relpath(json_rel, 'docs')}); do not edit by hand.", "",
         "### Setup", "", "| | |", "|---|---|",
         f"| Command | `{r['command']}` (`make bench` runs it) |",
         *run_rows(r),
         f"| Versions | chDB {m['versions']['chdb']}, DuckDB {m['versions']['duckdb']}, tally built"
         f" `RelWithDebInfo` with {m['versions'].get('gcc', '')} |",
         f"| Data | {r['rows']['metering']:,} metering events ({r['data']['metering']['file_bytes'] / 2**20:.0f} MiB"
         f" JSONEachRow), {r['rows']['logs']:,} log records ({r['data']['logs']['file_bytes'] / 2**20:.0f} MiB),"
         " seed 42 |",
         f"| Repetitions | ingest: median of {r['runs']} runs per system; queries: cold = first run in a fresh"
         f" process, hot = best and median of {r['hot_reps']} after one warm-up, in one process |",
         "", "Every system runs in a process of its own; peak RSS is that process's `ru_maxrss`"
         " (for chDB and DuckDB it includes the Python interpreter; an idle process that opened an empty"
         " database measured " + ", ".join(f"{NAMES[s]} {mib(b)} MiB" for s, b in r["baseline_rss_bytes"].items())
         + "). Times are the statement alone, output included, without process start-up. The OS page"
         " cache cannot be dropped here (no root over the host), so \"cold\" means a fresh process with warm"
         " page cache. Bytes on disk: for ClickHouse the active parts' `bytes_on_disk` after"
         " `OPTIMIZE TABLE ... FINAL` (merged-away parts linger on disk for `old_parts_lifetime`, so `du` would"
         " count them twice); for DuckDB `du` of its directory after `CHECKPOINT`; for tally `du` of its data"
         " directory after `OPTIMIZE TABLE ... FINAL` (tally removes merged-away parts at once). Queries run on"
         " the merged tables: one part per partition in ClickHouse and tally. Ingest times exclude the"
         " OPTIMIZE. All three systems use both cores in the main tables.", ""]

    L += ["### Goals", "", "| Goal | Target (tally/ClickHouse) | Measured | |", "|---|---|---|---|"]
    for g, target, x, met in goals(r):
        L.append(f"| {g} | {target} | {fr(x)} | {'met' if met else '**not met**'} |")
    L += ["", f"![ingest]({img_rel['ingest']})", ""]

    L += ["### Ingest", "",
          "| Workload | System | rows/s | ingest s | merge s | bytes/row | peak RSS MiB (above idle) |"
          " tally/this: rows/s | bytes/row | RSS |", "|---|---|---|---|---|---|---|---|---|---|"]
    for wl, ing in r["ingest"].items():
        t = ing.get("tally", {})
        for s in ("tally", "tally_native", "chdb", "duckdb"):
            v = ing.get(s, {})
            if "error" in v:
                L.append(f"| {wl} | {NAMES[s]} | error: `{v['error'][:150]}` | | | | | | | |")
                continue
            bpr = "–" if s == "tally_native" else f"{v['bytes_per_row']:.2f}"
            if s in ("chdb", "duckdb"):
                rr = (fr(ratio(t.get("rows_per_s"), v["rows_per_s"])), fr(ratio(t.get("bytes_per_row"),
                      v["bytes_per_row"])), fr(ratio(t.get("peak_rss_bytes"), v["peak_rss_bytes"])))
            else:
                rr = ("", "", "")
            idle = r["baseline_rss_bytes"].get("tally" if s == "tally_native" else s, 0)
            merge = f"{v['optimize_s']:.2f}" if v.get("optimize_s") is not None else "–"
            L.append(f"| {wl} | {NAMES[s]} | {v['rows_per_s'] / 1e6:.2f}M | {v['ingest_s']:.2f} | {merge} | {bpr} |"
                     f" {mib(v['peak_rss_bytes'])} ({mib(v['peak_rss_bytes'] - idle)}) | {rr[0]} | {rr[1]} |"
                     f" {rr[2]} |")
    L += ["", "merge s: `OPTIMIZE TABLE ... FINAL` after the ingest (DuckDB: `CHECKPOINT`), not counted in"
          " rows/s. tally's native API row times only `Database::Insert` of Blocks of "
          f"{r['ingest']['metering'].get('tally_native', {}).get('runs', [{}])[0].get('batch_rows', 0):,} rows;"
          " parsing the JSON into those Blocks is not counted (it is in the JSONEachRow row).", ""]

    for wl, ing in r["ingest"].items():
        tc, cc = ing.get("tally", {}).get("column_bytes"), ing.get("chdb", {}).get("column_bytes")
        if not tc or not cc:
            continue
        n = r["rows"][wl]
        L += [f"Bytes per row by column, {wl} (tally: data, marks and dictionary files; ClickHouse:"
              " `system.columns.data_compressed_bytes`):", "", "| Column | tally | ClickHouse | tally/CH |",
              "|---|---|---|---|"]
        for col in sorted(cc, key=lambda c: -cc[c]):
            t = tc.get(col)
            L.append(f"| `{col}` | {t / n if t else 0:.2f} | {cc[col] / n:.2f} | {fr(ratio(t, cc[col]))} |")
        L.append("")

    L += ["### Queries", "", f"![queries]({img_rel['queries']})", "",
          "Milliseconds. Ratios are tally's hot median over the peer's. \"agree\" compares each result"
          " (all rows, normalized and sorted) with ClickHouse's.", "",
          "| Workload | Query | tally hot best / median / cold | ClickHouse hot best / median / cold |"
          " DuckDB hot best / median / cold | tally/CH | tally/DuckDB | rows | agree |",
          "|---|---|---|---|---|---|---|---|---|"]
    for q in r["queries"]:
        cells = []
        for s in ("tally", "chdb", "duckdb"):
            v = q["systems"].get(s, {})
            cells.append(f"error: `{v['error'][:160]}`" if "error" in v else
                         f"{ms(v['hot_best_s'])} / {ms(v['hot_median_s'])} / {ms(v['cold_s'])}")
        t = q["systems"].get("tally", {}).get("hot_median_s")
        c = q["systems"].get("chdb", {}).get("hot_median_s")
        d = q["systems"].get("duckdb", {}).get("hot_median_s")
        rows = "/".join(str(q["systems"].get(s, {}).get("result_rows", "–")) for s in ("tally", "chdb", "duckdb"))
        agree = ", ".join(f"{NAMES[s]}: {'yes' if ok else '**NO**'}" for s, ok in q["agree"].items() if s != "chdb")
        L.append(f"| {q['workload']} | `{q['name']}` | {cells[0]} | {cells[1]} | {cells[2]} | {fr(ratio(t, c))} |"
                 f" {fr(ratio(t, d))} | {rows} | {agree} |")
    L += ["", "Threads and caches, hot medians in ms. The table above gives ClickHouse all cores and turns its"
          " query condition cache off (it is on by default since 25.3: it remembers which granules matched a"
          " filter, so a repeated selective query becomes a cache lookup). Here: each system on one thread"
          " (tally with max_threads = 1), and ClickHouse with its defaults, cache included.", "",
          "| Query | tally, 1 thread | ClickHouse, 1 thread | ClickHouse, defaults (condition cache) | DuckDB, 1 thread |"
          " tally/CH 1 thread | tally/DuckDB 1 thread |", "|---|---|---|---|---|---|---|"]
    per_wl = {}
    for q in r["queries"]:
        t = q["systems"].get("tally", {}).get("hot_1t_median_s")
        c1 = q["systems"].get("chdb", {}).get("hot_1t_median_s")
        cd = q["systems"].get("chdb", {}).get("hot_default_median_s")
        d1 = q["systems"].get("duckdb", {}).get("hot_1t_median_s")
        per_wl.setdefault(q["workload"], []).append((t, c1))
        L.append(f"| `{q['name']}` | {ms(t)} | {ms(c1)} | {ms(cd)} | {ms(d1)} | {fr(ratio(t, c1))} |"
                 f" {fr(ratio(t, d1))} |")
    L.append("")
    for wl, pairs in per_wl.items():
        if all(t and c for t, c in pairs):
            L.append(f"Geometric mean of tally/ClickHouse-1-thread, {wl}: {fr(geomean([t / c for t, c in pairs]))}.")
    roll = r["rollup"]["chdb"]
    L += ["", "Rollup read (monthly bill per tenant and metric from hourly pre-aggregates):", "",
          "| System | hot best / median ms | result agrees with `monthly_bill` |", "|---|---|---|",
          f"| tally | {r['rollup']['tally']} | |",
          (f"| ClickHouse (chDB), SummingMergeTree + materialized view | {ms(roll.get('hot_best_s'))} /"
           f" {ms(roll.get('hot_median_s'))} | {'yes' if roll.get('agrees_with_monthly_bill') else '**NO**'} |"
           if "error" not in roll else f"| ClickHouse (chDB) | error: `{roll['error'][:200]}` | |"),
          f"| DuckDB | {r['rollup']['duckdb']} | |", ""]
    mem = []
    for q in r["queries"]:
        row = [q["systems"].get(s, {}).get("cold_peak_rss_bytes") for s in ("tally", "chdb", "duckdb")]
        mem.append(f"`{q['name']}` " + "/".join(mib(b) if b else "–" for b in row))
    L += ["Peak RSS of each cold query process, MiB (tally/ClickHouse/DuckDB): " + "; ".join(mem) + ".", ""]

    if r.get("errors"):
        L += ["### Failures", "", "| What | System | Error |", "|---|---|---|"]
        for e in r["errors"]:
            L.append(f"| {e['what']} | {NAMES.get(e['system'], e['system'])} | `{e['error'][:300]}` |")
        L.append("")

    if r.get("profiles"):
        L += ["### Where tally's time goes (perf)", "",
              "`perf record -e cpu-clock -g` (the VM exposes no hardware counters), self time by function."
              " Ingest is profiled on the first 1M metering events; queries on the loaded data, 5 runs.", ""]
        L += profile_tables(r["profiles"])
    if r.get("notes"):
        L += ["### Notes", ""] + r["notes"] + [""]

    L += ["### DDL", "", "tally and ClickHouse get the same statement; DuckDB native tables are loaded in"
          " sort-key order. Both get the same skip indexes; materialized views are left out of both"
          " systems' main tables (the rollups section measures them); ClickHouse's rollup is built after"
          " ingest.", ""]
    for wl in ("metering", "logs"):
        d = r["ddl"][wl]
        L += [f"**{wl}**, tally and ClickHouse (chDB):", "", "```sql", d["tally"] + ";", "```", "",
              f"**{wl}**, DuckDB:", "", "```sql", d["duckdb"] + ";", "```", "", "Ingest statements:", "", "```sql"]
        L += [f"-- {NAMES[s]}\n{d['ingest'][s]};" for s in ("tally", "chdb", "duckdb")]
        L += ["```", ""]
    L += ["ClickHouse rollup:", "", "```sql"] + [s + ";" for s in r["ddl"]["rollup_chdb"]] + ["```", ""]
    L += ["Queries, per system, are in `benchmarks/peer/workloads.py` and in the results JSON.", "", end]
    return "\n".join(L) + "\n"


def replace_section(docs, begin, end, text):
    """Puts `text` (which starts with `begin` and ends with `end`) in place of the section
    between those markers in the file `docs`, or at its end when it has none."""
    doc = open(docs).read()
    if begin in doc and end in doc:
        doc = doc[:doc.index(begin)] + text + doc[doc.index(end) + len(end) + 1:]
    else:
        doc = doc.rstrip("\n") + "\n\n" + text
    with open(docs, "w") as f:
        f.write(doc)


def write(r, json_path, root, section="main"):
    docs = os.path.join(root, "docs", "benchmarks.md")
    begin, end = SECTIONS[section]["markers"]
    paths = charts(r, os.path.join(root, "docs", "img"), SECTIONS[section]["stem"])
    img_rel = {k: os.path.relpath(v, os.path.join(root, "docs")) for k, v in paths.items()}
    json_rel = os.path.relpath(json_path, root)
    replace_section(docs, begin, end, markdown(r, json_rel, img_rel, section))
    print(f"wrote {docs} and {', '.join(paths.values())}", file=sys.stderr)


if __name__ == "__main__":
    path = sys.argv[1]
    with open(path) as f:
        res = json.load(f)
    write(res, os.path.abspath(path), os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")),
          sys.argv[2] if len(sys.argv) > 2 else "main")
