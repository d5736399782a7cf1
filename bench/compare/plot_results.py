"""Draws bench/results/<name>.png from <name>.json: lateness distributions and throughput."""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

COLORS = {"ours-1": "#1f77b4", "ours-3": "#17becf", "bullmq": "#d62728", "apscheduler": "#2ca02c"}


def cdf(ax, runs, title):
    for r in runs:
        late = [max(x, 0.1) for x in r["chart"]["lateness"]]
        if not late:
            continue
        ys = [100 * (i + 1) / len(late) for i in range(len(late))]
        ax.plot(late, ys, label=r["system"], color=COLORS.get(r["system"]), lw=1.6)
    ax.set_xscale("log")
    ax.set_xlabel("lateness, scheduled -> effect (ms, log)")
    ax.set_ylabel("% of fires")
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")


def throughput(ax, runs, title):
    for r in runs:
        bins = r["chart"]["perSecond"]
        ax.plot(range(len(bins)), bins, label=f"{r['system']} ({round(r['firesPerSec']):,}/s avg)",
                color=COLORS.get(r["system"]), lw=1.4)
    ax.set_xlabel("seconds after the due instant")
    ax.set_ylabel("fires committed per second")
    ax.set_title(title, fontsize=10)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)


def bars(ax, data, title):
    steady = data["results"]["steady"]
    rates = sorted({r["rate"] for r in steady})
    systems = [s for s in COLORS if any(r["system"] == s for r in steady)]
    width = 0.8 / max(1, len(systems))
    for k, system in enumerate(systems):
        labelled = False
        for i, rate in enumerate(rates):
            run = next((r for r in steady if r["system"] == system and r["rate"] == rate), None)
            if run is None:
                continue
            x = i + k * width
            ax.bar(x, max(run["lateness"]["p99"], 0.1), width, color=COLORS[system],
                   label=None if labelled else system, hatch=None if run["sustained"] else "//",
                   edgecolor="black", lw=0.3)
            labelled = True
    ax.set_xticks([i + 0.4 - width / 2 for i in range(len(rates))], [f"{r}/s" for r in rates])
    ax.set_yscale("log")
    ax.set_ylabel("p99 lateness (ms, log)")
    ax.set_title(title, fontsize=10)
    ax.grid(True, axis="y", which="both", alpha=0.3)
    ax.legend(fontsize=8)


def ingest_bars(ax, rows):
    labels = [f"{r['system']}\n{r['api'].split(' (')[0]}" for r in rows]
    ax.barh(range(len(rows)), [r["jobsPerSec"] for r in rows], color=[COLORS.get(r["system"], "grey") for r in rows])
    ax.set_yticks(range(len(rows)), labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlabel("jobs scheduled per second (log)")
    ax.set_title("ingest: scheduling rate through each system's API", fontsize=10)
    ax.grid(True, axis="x", which="both", alpha=0.3)
    for i, r in enumerate(rows):
        ax.text(r["jobsPerSec"], i, f" {round(r['jobsPerSec']):,}", va="center", fontsize=7)


def main():
    data = json.load(open(sys.argv[1], encoding="utf-8"))
    res = data["results"]
    panels = []
    if res["herd"]:
        panels.append(lambda ax: throughput(ax, res["herd"], f"herd: {data['config']['herdJobs']:,} jobs due at once"))
        panels.append(lambda ax: cdf(ax, res["herd"], "herd: lateness distribution"))
    if res["steady"]:
        panels.append(lambda ax: bars(ax, data, "steady: p99 lateness by rate (hatched: rate not sustained)"))
        top = max(r["rate"] for r in res["steady"])
        # The lowest rate every system ran (a probe below it runs one system only).
        shared = [rate for rate in sorted({r["rate"] for r in res["steady"]})
                  if sum(1 for r in res["steady"] if r["rate"] == rate) > 1]
        low = shared[0] if shared else min(r["rate"] for r in res["steady"])
        common = [r for r in res["steady"] if r["rate"] == low]
        panels.append(lambda ax: cdf(ax, common, f"steady {common[0]['rate']}/s: lateness distribution"))
        highest = [r for r in res["steady"] if r["rate"] == top]
        panels.append(lambda ax: cdf(ax, highest, f"steady {top}/s: lateness distribution"))
    if res["backlog"]:
        biggest = max(r["label"] for r in res["backlog"])
        panels.append(lambda ax: cdf(ax, [r for r in res["backlog"] if r["label"] == biggest],
                                     f"{biggest.replace('backlog-', 'backlog ')} pending: lateness at {data['config']['backlogRate']}/s"))
    if res["recurring"]:
        panels.append(lambda ax: cdf(ax, res["recurring"], "recurring: lateness distribution"))
    if res["ingest"]:
        panels.append(lambda ax: ingest_bars(ax, res["ingest"]))
    cols = 2
    rows = max(1, (len(panels) + 1) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(13, 4.2 * rows), squeeze=False)
    for ax, draw in zip(axes.flat, panels):
        draw(ax)
    for ax in list(axes.flat)[len(panels):]:
        ax.axis("off")
    facts = data["facts"]
    fig.suptitle(f"delayed-action benchmark ({'quick' if data['config']['quick'] else 'full'} run): "
                 f"{facts['cores']} cores, MariaDB {facts['mariadb']}, fsync p50 {facts['fsync']['p50Ms']:.2f} ms, "
                 f"load {facts['loadAverageAtStart'][0]}", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    fig.savefig(sys.argv[2], dpi=90)


if __name__ == "__main__":
    main()
