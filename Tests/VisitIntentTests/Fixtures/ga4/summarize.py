#!/usr/bin/env python3
"""Independent reference for the GA4 fixtures in this directory.

Parses the BigQuery newline-delimited JSON exports (events_YYYYMMDD.jsonl) with nothing
but the standard library and prints, per session, the numbers EXPECTED.md states. It
follows the mapping of docs/ga4.md but shares no code with the Swift reader.

    python3 summarize.py            # print the summary (Markdown)
    python3 summarize.py --check    # exit 1 unless EXPECTED.md contains it verbatim
"""
import json
import os
import sys
from datetime import datetime, timezone
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
DAILY = ["events_20261128.jsonl", "events_20261129.jsonl"]
BAD = "bad_missing_timestamp.jsonl"
CANONICAL = {"view_search_results": "search", "video_start": "video_play"}


def params(row):
    """event_params as {key: python value}; INT64 arrives as a JSON string."""
    out = {}
    for p in row.get("event_params") or []:
        value = p.get("value") or {}
        for kind in ("string_value", "int_value", "double_value", "float_value"):
            if value.get(kind) is not None:
                v = value[kind]
                out[p["key"]] = int(v) if kind == "int_value" else v
                break
    return out


def source_of(row, ps):
    """(source, medium, campaign, where) for one event, by the documented precedence."""
    c = row.get("collected_traffic_source") or {}
    src, med, camp = c.get("manual_source"), c.get("manual_medium"), c.get("manual_campaign_name")
    if src is None and med is None and c.get("gclid"):
        src, med = "google", "cpc"
    if src is not None or med is not None:
        return src, med, camp, "collected_traffic_source"
    if ps.get("source") is not None or ps.get("medium") is not None:
        return ps.get("source"), ps.get("medium"), ps.get("campaign"), "event_params"
    m = (row.get("session_traffic_source_last_click") or {}).get("manual_campaign") or {}
    if m.get("source") is not None or m.get("medium") is not None:
        return m.get("source"), m.get("medium"), m.get("campaign_name"), "session_traffic_source_last_click"
    t = row.get("traffic_source") or {}
    if ps.get("ga_session_number") == 1 and (t.get("source") is not None or t.get("medium") is not None):
        return t.get("source"), t.get("medium"), t.get("name"), "traffic_source (first session)"
    return None, None, None, None


def geo_value(v):
    return None if v in (None, "", "(not set)") else v


def consent_of(row):
    storage = (row.get("privacy_info") or {}).get("analytics_storage")
    return {"Yes": "true", "No": "false"}.get(storage, "unknown")


def iso(micros):
    return datetime.fromtimestamp(micros / 1e6, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def locations(evs):
    """file:line ranges of a session's rows, e.g. `events_20261128.jsonl` 1–7."""
    out = []
    for name in DAILY:
        ns = sorted(e[2] for e in evs if e[1] == name)
        runs, start = [], None
        for k, n in enumerate(ns):
            if start is None:
                start = n
            if k + 1 == len(ns) or ns[k + 1] != n + 1:
                runs.append(f"{start}" if start == n else f"{start}–{n}")
                start = None
        if runs:
            out.append(f"`{name}` lines {', '.join(runs)}")
    return "; ".join(out)


def show(v):
    return "—" if v is None else f"`{v}`"


def summary():
    rows = []  # (timestamp, file, line, row)
    lines = []
    per_file = {}
    for name in DAILY:
        with open(os.path.join(HERE, name), encoding="utf-8") as f:
            for n, text in enumerate(f, 1):
                row = json.loads(text)
                rows.append((int(row["event_timestamp"]), name, n, row))
                per_file[name] = n
    rows.sort(key=lambda r: (r[0], DAILY.index(r[1]), r[2]))

    sessions, cookieless = {}, []
    for ts, name, n, row in rows:
        ps = params(row)
        visitor = row.get("user_pseudo_id")
        if visitor is None:
            cookieless.append((ts, name, n, row, ps))
            continue
        sessions.setdefault((visitor, ps["ga_session_id"]), []).append((ts, name, n, row, ps))

    lines.append("| file | rows | identified rows | cookieless rows |")
    lines.append("|---|---|---|---|")
    for name in DAILY:
        mine = [r for r in rows if r[1] == name]
        anon = sum(1 for r in mine if r[3].get("user_pseudo_id") is None)
        lines.append(f"| `{name}` | {per_file[name]} | {per_file[name] - anon} | {anon} |")
    lines.append("")
    visitors = sorted({v for v, _ in sessions})
    lines.append(f"Rows: {len(rows)}. Visitors with a user_pseudo_id: {len(visitors)}. "
                 f"Sessions (user_pseudo_id + ga_session_id): {len(sessions)}. "
                 f"Cookieless rows (no user_pseudo_id, consent refused): {len(cookieless)}.")
    lines.append("")

    order = sorted(sessions, key=lambda k: sessions[k][0][0])
    for idx, key in enumerate(order, 1):
        evs = sessions[key]
        visitor, sid = key
        first = evs[0]
        files = sorted({e[1] for e in evs}, key=DAILY.index)
        split = "; ".join(f"`{f}`: {sum(1 for e in evs if e[1] == f)} rows, "
                          f"{sum(1 for e in evs if e[1] == f and e[3]['event_name'] == 'page_view')} page_view"
                          for f in files)
        pv = [e for e in evs if e[3]["event_name"] == "page_view"]
        paths = [urlsplit(e[4]["page_location"]).path for e in pv]
        numbers = sorted({e[4].get("ga_session_number") for e in evs})
        derived = {source_of(e[3], e[4])[:3] for e in evs} - {(None, None, None)}
        where = sorted({source_of(e[3], e[4])[3] for e in evs} - {None})
        assert len(derived) <= 1, f"events of session {sid} disagree on the source: {derived}"
        src, med, camp = next(iter(derived)) if derived else (None, None, None)
        devices = sorted({e[3]["device"]["category"] for e in evs})
        geo = first[3].get("geo") or {}
        consents = sorted({consent_of(e[3]) for e in evs})
        names = [CANONICAL.get(e[3]["event_name"], e[3]["event_name"]) for e in evs]
        scrolls = [e[4]["percent_scrolled"] for e in evs if e[3]["event_name"] == "scroll"]
        searches = [e[4]["search_term"] for e in evs if "search_term" in e[4]]
        lines.append(f"### S{idx} — `{visitor}` / ga_session_id `{sid}`")
        lines.append("")
        lines.append(f"- rows: {locations(evs)}")
        lines.append(f"- ga_session_number: {', '.join(str(x) for x in numbers)}")
        lines.append(f"- first event: {iso(evs[0][0])}, last event: {iso(evs[-1][0])}")
        lines.append(f"- events: {len(evs)} ({split}); page_view events: {len(pv)}")
        lines.append(f"- page paths in order: {' → '.join(paths)}")
        lines.append(f"- events in time order (canonical names): {', '.join(names)}")
        lines.append(f"- device: {', '.join(devices)}")
        lines.append(f"- country / region / city: {show(geo_value(geo.get('country')))} / "
                     f"{show(geo_value(geo.get('region')))} / {show(geo_value(geo.get('city')))}")
        lines.append(f"- source / medium / campaign: {show(src)} / {show(med)} / {show(camp)}"
                     f" (from {', '.join(where) if where else 'nothing: no source'})")
        first_touch = sorted({(t.get("source"), t.get("medium"), t.get("name"))
                              for t in (e[3].get("traffic_source") or {} for e in evs)} - {(None, None, None)})
        lines.append("- traffic_source (user's first touch; used only when ga_session_number = 1): "
                     + ("; ".join(" / ".join(show(x) for x in ft) for ft in first_touch) if first_touch else "absent"))
        lines.append(f"- consent (privacy_info.analytics_storage): {', '.join(consents)}; "
                     f"excluded for consent: {'yes' if 'false' in consents else 'no'}")
        if scrolls:
            lines.append(f"- percent_scrolled: {', '.join(repr(x) for x in scrolls)}")
        if searches:
            lines.append(f"- search_term: {', '.join(searches)}")
        lines.append("")

    lines.append("### Cookieless pings (no user_pseudo_id)")
    lines.append("")
    lines.append(f"- rows: {len(cookieless)}, all in "
                 f"{', '.join(sorted({f'`{c[1]}`' for c in cookieless}))}; "
                 f"with an explicit `\"user_pseudo_id\":null`: "
                 f"{sum(1 for c in cookieless if 'user_pseudo_id' in c[3])}")
    lines.append(f"- event names: {', '.join(c[3]['event_name'] for c in cookieless)}")
    lines.append(f"- page_view paths: {' → '.join(urlsplit(c[4]['page_location']).path for c in cookieless if c[3]['event_name'] == 'page_view')}")
    lines.append(f"- ga_session_id present: {'yes' if any('ga_session_id' in c[4] for c in cookieless) else 'no'}; "
                 f"analytics_storage: {', '.join(sorted({consent_of(c[3]) for c in cookieless}))}; "
                 f"device: {', '.join(sorted({c[3]['device']['category'] for c in cookieless}))}")
    lines.append("")

    lines.append(f"### `{BAD}`")
    lines.append("")
    with open(os.path.join(HERE, BAD), encoding="utf-8") as f:
        for n, text in enumerate(f, 1):
            row = json.loads(text)
            missing = [k for k in ("event_timestamp", "event_name") if k not in row]
            lines.append(f"- line {n}: `{row['event_name']}`, "
                         + (f"missing {', '.join(missing)}" if missing else "complete"))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    text = summary()
    if "--check" in sys.argv[1:]:
        with open(os.path.join(HERE, "EXPECTED.md"), encoding="utf-8") as f:
            ok = text in f.read()
        print("EXPECTED.md matches" if ok else "EXPECTED.md differs from summarize.py's output")
        sys.exit(0 if ok else 1)
    sys.stdout.write(text)
