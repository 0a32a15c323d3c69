#!/usr/bin/python3
"""report.py [--check] [--command CMD] RAW.jsonl OUT.md OUT.png

Turns the JSON lines of bench/run-all.sh into the Markdown table (each target of issue 9 with the ratio
measured in the same run and PASS/FAIL) and a PNG chart (matplotlib). --check (the ctest smoke run) fails
unless every scenario produced a result and every APDU count is non-zero; it does not judge the targets.
"""
import argparse
import json
import statistics
import sys

MODULES = ("mesign", "opensc")


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def pick(rows, **want):
    return [r for r in rows if all(str(r.get(k)) == str(v) for k, v in want.items())]


def values(rows, key):
    return [r[key] for r in rows if key in r]


def med(xs):
    return statistics.median(xs) if xs else None


def fmt(x, digits=1):
    if x is None:
        return "–"
    if isinstance(x, float) and not x.is_integer():
        return f"{x:.{digits}f}"
    return f"{int(x)}"


def spread(xs, digits=1):
    """'median (min–max)' or just the value when all runs agree."""
    if not xs:
        return "–"
    lo, hi = min(xs), max(xs)
    if lo == hi:
        return fmt(float(lo), digits)
    return f"{fmt(float(med(xs)), digits)} ({fmt(float(lo), digits)}–{fmt(float(hi), digits)})"


def verdict(ok):
    return "**PASS**" if ok else "**FAIL**"


def ratio(a, b):
    return a / b if a is not None and b not in (None, 0) else None


class Report:
    def __init__(self, rows):
        self.rows = rows
        self.lines = []
        self.targets = []  # (target, measured, verdict)

    def out(self, text=""):
        self.lines.append(text)

    def table(self, header, body):
        self.out("| " + " | ".join(header) + " |")
        self.out("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
        for row in body:
            self.out("| " + " | ".join(row) + " |")
        self.out()

    def target(self, what, measured, ok):
        self.targets.append((what, measured, "not measured" if ok is None else verdict(ok)))

    # -- scenarios 1 and 2 --
    def cold(self):
        jobs = [("start", "1. cold start"), ("sign-rsa-9a", "2. cold sign RSA-2048 9A"),
                ("sign-ec-9a", "2. cold sign ECDSA P-256 9A"), ("sign-rsa-9c", "2. cold sign RSA-2048 9C (context login)")]
        self.out("## Scenarios 1–2: cold start and cold sign")
        self.out()
        self.out("Each run a new process: dlopen, C_Initialize, C_GetSlotList, a session per token, all objects "
                 "found, (C_Login, one signature checked with OpenSSL,) C_Finalize. *first*: empty caches; "
                 "*known card*: a new process after the first (caches as it left them). Wall time in ms, median "
                 "(min–max) over the runs; APDUs counted at the card.")
        self.out()
        body = []
        for job, title in jobs:
            for cache, cname in (("cold", "first"), ("warm", "known card")):
                m = pick(self.rows, scenario="start" if job == "start" else "sign", job=job, cache=cache, module="mesign")
                o = pick(self.rows, scenario="start" if job == "start" else "sign", job=job, cache=cache, module="opensc")
                if not m and not o:
                    continue
                mw, ow = med(values(m, "wall_ms")), med(values(o, "wall_ms"))
                ma, oa = med(values(m, "apdus")), med(values(o, "apdus"))
                ra, rw = ratio(ma, oa), ratio(mw, ow)
                body.append([f"{title}, {cname}", spread(values(m, "wall_ms")), spread(values(o, "wall_ms")),
                             fmt(rw, 2), spread(values(m, "apdus"), 0), spread(values(o, "apdus"), 0), fmt(ra, 2)])
                self.target(f"APDUs ≤ ½ OpenSC: {title}, {cname}", f"{fmt(ma, 0)} / {fmt(oa, 0)} = {fmt(ra, 2)}",
                            ra is not None and ra <= 0.5)
                self.target(f"wall time ≤ ½ OpenSC: {title}, {cname}", f"{fmt(mw)} / {fmt(ow)} ms = {fmt(rw, 2)}",
                            rw is not None and rw <= 0.5)
        self.table(["job", "MeSign ms", "OpenSC ms", "ratio", "MeSign APDUs", "OpenSC APDUs", "ratio"], body)
        inits = values(pick(self.rows, module="mesign", scenario="start"), "apdus_initialize") + \
            values(pick(self.rows, module="mesign", scenario="sign"), "apdus_initialize")
        self.target("C_Initialize sends no APDU (MeSign, every run of 1–2)",
                    f"max {fmt(max(inits), 0)} over {len(inits)} runs" if inits else "–",
                    bool(inits) and max(inits) == 0)
        # Where the APDUs go (median per phase).
        body = []
        for job, title in jobs:
            for mod in MODULES:
                for cache in ("cold", "warm"):
                    rs = pick(self.rows, module=mod, job=job, cache=cache)
                    if not rs:
                        continue
                    body.append([f"{title}, {mod}, {'first' if cache == 'cold' else 'known card'}"] +
                                [fmt(med(values(rs, k)), 0) for k in
                                 ("apdus_initialize", "apdus_slotlist", "apdus_find", "apdus_login", "apdus_sign",
                                  "apdus_finalize")])
        self.out("APDUs per phase (median):")
        self.out()
        self.table(["job", "C_Initialize", "C_GetSlotList", "sessions + find", "C_Login", "sign", "C_Finalize"], body)

    # -- warm signature minimum --
    def minimum(self):
        self.out("## Warm signature: APDUs against the protocol minimum")
        self.out()
        self.out("Derived minimum, PIV already selected and the PIN verified in the session: the card takes "
                 "extended-length APDUs (it answers the probe; `core/token/README.md`), so RSA-2048 = one "
                 "GENERAL AUTHENTICATE with 266 bytes in and 264 out = **1**; ECDSA P-256 = one GENERAL "
                 "AUTHENTICATE = **1**; RSA-2048 in 9C (PIN always) = VERIFY + 1 = **2**. With short APDUs only "
                 "it would be 3, 1 and 4 (two chained pieces and a GET RESPONSE for RSA). A SELECT is needed "
                 "only after another application was selected or the card was reset. *raw* is p11bench "
                 "raw-sign: exactly these APDUs sent by hand through the same pcscd, proving the minimum is "
                 "accepted.")
        self.out()
        cases = [("RSA-2048 9A", 1, "rsa", None), ("ECDSA P-256 9A", 1, "ecdsa", None), ("RSA-2048 9C", 2, None, "sign-rsa-9c")]
        body = []
        background = []
        for title, minimum, mech, job in cases:
            cells = []
            for mod in MODULES:
                if job:
                    cells.append(med(values(pick(self.rows, module=mod, job=job, cache="warm"), "apdus_sign")))
                    continue
                rs = pick(self.rows, scenario="throughput", module=mod, mech=mech)
                if not rs:
                    cells.append(None)
                    continue
                # Per signature: the rounded rate; what is left over came from background work, not signatures.
                per = round(med(values(rs, "apdus_per_op")))
                extra = [r["apdus"] - per * r["signatures"] for r in rs if "apdus" in r]
                secs = sum(r["elapsed_ms"] for r in rs) / 1000
                if mod == "mesign" and extra:
                    background.append(f"{title}: {sum(extra)} APDUs in {secs:.0f} s of signing")
                cells.append(per)
            cells.append(med(values(pick(self.rows, scenario="raw-sign", module="raw-pcsc", mech=mech or "rsa",
                                         key="9c" if job else "9a"), "apdus_per_op")))
            body.append([title, str(minimum)] + [fmt(c, 2) for c in cells])
            self.target(f"warm signature at the minimum: {title} (min {minimum})",
                        f"{fmt(cells[0], 2)} APDUs per signature", cells[0] is not None and cells[0] <= minimum)
        self.table(["case", "minimum", "MeSign", "OpenSC", "raw"], body)
        self.out("RSA-2048 9C is measured in the sign step of scenario 2 with a known card (C_SignInit, "
                 "context-specific C_Login, C_Sign), the others per signature in scenario 3 (all thread counts, "
                 "rounded: APDUs not tied to a signature are counted apart).")
        if background:
            self.out()
            self.out("MeSign APDUs during the throughput runs that are not per signature (all runs): " +
                     "; ".join(background) + ".")
        self.out()

    # -- scenario 3 --
    def throughput(self):
        self.out("## Scenario 3: warm signature throughput")
        self.out()
        self.out("Signatures per second (median over the runs), N sessions on N threads in one process after one "
                 "C_Login; *card limit* = the same card through the same pcscd without middleware (p11bench "
                 "raw-sign: the minimum APDUs above, RSA in one extended APDU; the best of 1, 4 and 16 threads, each with "
                 "its own connection), *bare card, as many threads* = that card driven by as many threads as the "
                 "row's sessions (the target: a synchronous caller cannot beat one round trip, so N signers are "
                 "measured against the card driven directly by N), *with transactions* = the same (one thread) with "
                 "SCardBeginTransaction/SCardEndTransaction around each signature (what MeSign sent per signature "
                 "before it stopped taking a transaction for one-APDU operations); *in-process card* = the card "
                 "object called directly without pcscd (card_speed).")
        self.out()
        body = []
        for mech, title in (("rsa", "RSA-2048"), ("ecdsa", "ECDSA P-256")):
            raws = pick(self.rows, scenario="raw-sign", module="raw-pcsc", mech=mech, key="9a")
            # The card's limit: its best rate through pcscd, whatever the number of threads driving it.
            by_threads = {t: med(values([r for r in raws if int(r.get("threads", 1)) == t], "ops_per_s"))
                          for t in (1, 4, 16)}
            raw = max((v for v in by_threads.values() if v is not None), default=None)
            txn = med(values(pick(self.rows, scenario="raw-sign", module="raw-pcsc-txn", mech=mech), "ops_per_s"))
            inproc = med(values(pick(self.rows, scenario="card", module="raw-card", mech=mech), "ops_per_s"))
            for t in (1, 4, 16):
                m = med(values(pick(self.rows, scenario="throughput", module="mesign", mech=mech, threads=t), "ops_per_s"))
                o = med(values(pick(self.rows, scenario="throughput", module="opensc", mech=mech, threads=t), "ops_per_s"))
                r = ratio(m, raw)
                same = ratio(m, by_threads[t])
                body.append([f"{title}, {t} thread{'s' if t > 1 else ''}", fmt(m), fmt(o), fmt(raw), fmt(r, 2),
                             fmt(by_threads[t]), fmt(same, 2), fmt(txn), fmt(ratio(m, txn), 2),
                             fmt(inproc)])
                # The card's limit for N signers is the card driven directly by N signers: a synchronous caller
                # cannot beat its own round trip, and N callers overlap N round trips (bench/README.md).
                self.target(f"throughput within 10% of the card driven directly: {title}, {t} threads",
                            f"{fmt(m)} / {fmt(by_threads[t])} = {fmt(same, 2)} (best of any threads: {fmt(r, 2)})",
                            same is not None and same >= 0.9)
        self.table(["case", "MeSign /s", "OpenSC /s", "card limit /s", "MeSign / limit",
                    "bare card, as many threads /s", "MeSign / that", "limit with transactions /s", "MeSign / that",
                    "in-process card /s"], body)

    # -- scenario 4 --
    def enumeration(self):
        self.out("## Scenario 4: enumeration with 1, 4 and 8 cards")
        self.out()
        self.out("Scenario 1 (cold start) with N readers holding a card each (8 vpcd readers in all; each card EC "
                 "P-256 + certificate in 9A). Wall ms median (min–max); APDUs at all cards.")
        self.out()
        body = []
        for n in (1, 4, 8):
            for cache in ("cold", "warm"):
                m = pick(self.rows, job="enum", cards=n, cache=cache, module="mesign")
                o = pick(self.rows, job="enum", cards=n, cache=cache, module="opensc")
                if not m and not o:
                    continue
                body.append([f"{n} card{'s' if n > 1 else ''}, {'first' if cache == 'cold' else 'known cards'}",
                             spread(values(m, "wall_ms")), spread(values(o, "wall_ms")),
                             fmt(ratio(med(values(m, "wall_ms")), med(values(o, "wall_ms"))), 2),
                             spread(values(m, "apdus"), 0), spread(values(o, "apdus"), 0),
                             fmt(med(values(m, "slots")), 0), fmt(med(values(o, "slots")), 0)])
        self.table(["cards", "MeSign ms", "OpenSC ms", "ratio", "MeSign APDUs", "OpenSC APDUs", "MeSign tokens",
                    "OpenSC tokens"], body)
        self.out("*tokens*: slots with a token that the module reported. A module that shows fewer tokens than "
                 "there are cards read only those cards; compare APDUs per token.")
        self.out()

    # -- scenario 5 --
    def hotplug(self):
        self.out("## Scenario 5: hotplug latency")
        self.out()
        self.out("C_WaitForSlotEvent return minus the bare PC/SC notification (SCardGetStatusChange on "
                 "\\\\?PnP?\\Notification + the reader, watched in the same process), ms, median (min–max); "
                 "*after action* = PC/SC notification after starting / stopping mesign-vcard.")
        self.out()
        body = []
        for mod in MODULES:
            for ev in ("insert", "remove"):
                rs = pick(self.rows, scenario="hotplug", module=mod, event=ev)
                if not rs:
                    continue
                missed = len([r for r in rs if "delta_ms" not in r])
                mode = rs[0].get("mode", "")
                d = values(rs, "delta_ms")
                body.append([f"{mod}, {ev}", mode, spread(d, 2), spread(values(rs, "pcsc_ms"), 0),
                             f"{missed} of {len(rs)}", spread(values(rs, "apdus"), 0)])
                if mod == "mesign":
                    self.target(f"hotplug ≤ 5 ms after PC/SC: {ev}", f"max {fmt(max(d), 2) if d else '–'} ms",
                                bool(d) and missed == 0 and max(d) <= 5.0)
        self.table(["module, event", "wait mode", "delay ms", "PC/SC after action ms", "no event", "APDUs"], body)

    # -- scenario 6 --
    def card(self):
        self.out("## Scenario 6: the card's own crypto, and the module's in-process overhead")
        self.out()
        body = []
        for mech, title in (("rsa", "RSA-2048 sign"), ("ecdsa", "ECDSA P-256 sign")):
            raw = pick(self.rows, scenario="card", module="raw-card", mech=mech)
            mod = pick(self.rows, scenario="card", module="mesign", mech=mech)
            ssl = med(values(pick(self.rows, scenario="openssl-speed", mech=mech), "ops_per_s"))
            rops, mops = med(values(raw, "cpu_ops_per_s")), med(values(mod, "cpu_ops_per_s"))
            rus, mus = med(values(raw, "cpu_us_per_op")), med(values(mod, "cpu_us_per_op"))
            r = ratio(rops, ssl)
            body.append([title, fmt(ssl), fmt(rops), fmt(r, 2), fmt(med(values(raw, "ops_per_s"))), fmt(mops),
                         fmt(mus - rus if mus is not None and rus is not None else None, 1),
                         fmt(med(values(mod, "apdus_per_op")), 0)])
            self.target(f"the card is not the bottleneck: {title} in the card vs openssl speed (CPU time)",
                        f"{fmt(rops)} / {fmt(ssl)} = {fmt(r, 2)}", r is not None and r >= 0.9)
        self.table(["operation", "openssl speed /CPU s", "card in-process /CPU s", "card / openssl",
                    "card in-process /wall s", "module in-process /CPU s", "module overhead CPU µs/op", "APDUs/op"],
                   body)
        self.out("*card in-process*: GENERAL AUTHENTICATE APDUs handed to the virtual card object; *module "
                 "in-process*: C_Sign through the whole module over an in-process transport to the same card. "
                 "Rates per CPU second of the measuring process, as `openssl speed` reports them (it divides by "
                 "CPU user time), so that the load of the shared machine does not enter; the card's wall-time "
                 "rate is given for comparison with the PC/SC rates of scenario 3. The module overhead is the "
                 "difference of CPU time per signature. The target (card ≥ 0.9 × openssl) is this report's "
                 "reading of \"our card must not be the bottleneck\".")
        self.out()

    # -- scenario 7 --
    def memory(self):
        self.out("## Scenario 7: memory")
        self.out()
        body = []
        for mod in MODULES:
            rs = pick(self.rows, scenario="memory", module=mod)
            if rs:
                body.append([mod, spread(values(rs, "rss_base_kib"), 0),
                             spread([r["rss_loaded_kib"] - r["rss_base_kib"] for r in rs], 0),
                             spread(values(rs, "added_init_kib"), 0), spread(values(rs, "added_objects_kib"), 0)])
        tray = pick(self.rows, scenario="memory-tray")
        self.table(["module", "VmRSS before (KiB)", "+ dlopen", "+ C_Initialize + C_GetSlotList",
                    "+ sessions + all objects"], body)
        if tray:
            t = tray[0]
            self.out(f"Tray agent (mesign-tray, offscreen): {fmt(t['rss_kib'], 0)} KiB resident after 3 s"
                     if "rss_kib" in t else f"Tray agent: {t.get('status')}")
            self.out()

    def render(self, command):
        body = list(self.lines)
        self.lines = []
        self.out(f"Command: `{command}`")
        self.out()
        envs = pick(self.rows, scenario="env")
        if envs:
            e = envs[0]
            self.out(f"Measured {e.get('date')} – {envs[-1].get('date')} on {e.get('cpus')} CPUs (load average "
                     f"{e.get('loadavg')} at the start, {envs[-1].get('loadavg')} at the end: the machine is shared, "
                     f"so wall times and rates are noisy), MeSign {e.get('mesign_commit')}, OpenSC "
                     f"{e.get('opensc')}.")
            self.out()
        self.out("## Targets (each a ratio measured in this run)")
        self.out()
        self.table(["target", "measured", "result"], [list(t) for t in self.targets])
        return "\n".join(self.lines + body) + "\n"


def chart(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(13, 9))
    jobs = ["start", "sign-rsa-9a", "sign-ec-9a", "sign-rsa-9c"]
    labels = [f"{j}\n{c}" for j in jobs for c in ("first", "known")]
    for ax, key, title in ((axes[0][0], "wall_ms", "Scenarios 1–2: wall time (ms, median)"),
                           (axes[0][1], "apdus", "Scenarios 1–2: APDUs at the card")):
        for i, mod in enumerate(MODULES):
            ys = [med(values(pick(rows, module=mod, job=j, cache=c), key)) or 0 for j in jobs for c in ("cold", "warm")]
            ax.bar([x + i * 0.4 for x in range(len(ys))], ys, width=0.4, label=mod)
        ax.set_xticks([x + 0.2 for x in range(len(labels))], labels, fontsize=7)
        ax.set_title(title)
        ax.legend()
    ax = axes[1][0]
    for mod, style in (("mesign", "o-"), ("opensc", "s-")):
        for mech in ("rsa", "ecdsa"):
            ys = [med(values(pick(rows, scenario="throughput", module=mod, mech=mech, threads=t), "ops_per_s")) or 0
                  for t in (1, 4, 16)]
            ax.plot([1, 4, 16], ys, style, label=f"{mod} {mech}")
    for mech in ("rsa", "ecdsa"):
        raws = pick(rows, scenario="raw-sign", module="raw-pcsc", mech=mech, key="9a")
        raw = max((m for m in (med(values([r for r in raws if int(r.get("threads", 1)) == t], "ops_per_s"))
                               for t in (1, 4, 16)) if m is not None), default=None)
        if raw:
            ax.axhline(raw, linestyle=":", color="grey")
            ax.annotate(f"card limit {mech}", (1, raw), fontsize=7)
    ax.set_xscale("log", base=2)
    ax.set_xlabel("threads")
    ax.set_title("Scenario 3: signatures per second")
    ax.legend(fontsize=7)
    ax = axes[1][1]
    names, ys = [], []
    for mod in MODULES:
        for ev in ("insert", "remove"):
            d = values(pick(rows, scenario="hotplug", module=mod, event=ev), "delta_ms")
            names.append(f"{mod}\n{ev}")
            ys.append(med(d) or 0)
    ax.bar(names, ys)
    ax.axhline(5, linestyle=":", color="red")
    ax.set_title("Scenario 5: C_WaitForSlotEvent after PC/SC (ms)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)


def check(rows):
    """The smoke test's assertions: every scenario has a result, every APDU count is non-zero."""
    problems = []
    need = [("start", {"scenario": "start", "job": "start"}), ("sign RSA 9A", {"job": "sign-rsa-9a"}),
            ("sign RSA 9C", {"job": "sign-rsa-9c"}), ("sign EC 9A", {"job": "sign-ec-9a"}),
            ("throughput", {"scenario": "throughput"}), ("raw-sign", {"scenario": "raw-sign"}),
            ("enumeration", {"job": "enum"}), ("hotplug", {"scenario": "hotplug"}),
            ("card", {"scenario": "card"}), ("openssl speed", {"scenario": "openssl-speed"}),
            ("memory", {"scenario": "memory"}), ("memory-tray", {"scenario": "memory-tray"})]
    for name, want in need:
        for mod in (MODULES if name not in ("raw-sign", "card", "openssl speed", "memory-tray") else (None,)):
            w = dict(want, **({"module": mod} if mod else {}))
            if not pick(rows, **w):
                problems.append(f"no result for {name}{' (' + mod + ')' if mod else ''}")
    for r in rows:
        for key in ("apdus", "apdus_per_op"):
            if key in r and not r[key] > 0 and r.get("scenario") != "hotplug":
                problems.append(f"zero {key}: {json.dumps(r)}")
    hot = pick(rows, scenario="hotplug", module="mesign")
    if not [r for r in hot if r.get("event") == "insert"] or not [r for r in hot if r.get("event") == "remove"]:
        problems.append("hotplug: MeSign lacks an insertion or a removal")
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--command", default="bench/run-all.sh")
    ap.add_argument("raw")
    ap.add_argument("md")
    ap.add_argument("png")
    a = ap.parse_args()
    rows = load(a.raw)
    rep = Report(rows)
    rep.cold()
    rep.minimum()
    rep.throughput()
    rep.enumeration()
    rep.hotplug()
    rep.card()
    rep.memory()
    with open(a.md, "w") as f:
        f.write(rep.render(a.command))
    chart(rows, a.png)
    if a.check:
        problems = check(rows)
        for p in problems:
            print("report: " + p, file=sys.stderr)
        if problems:
            return 1
        print(f"report: every scenario produced a result ({len(rows)} lines), APDU counts non-zero")
    return 0


if __name__ == "__main__":
    sys.exit(main())
