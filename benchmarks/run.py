"""Run the benchmarks: every ``benchmarks/bench_*.py`` has a ``run() -> dict``.

    python benchmarks/run.py              # all of them
    python benchmarks/run.py query        # a subset, by name (bench_query.py -> "query")
    python benchmarks/run.py --list

Prints a table of the figures and merges them into ``benchmarks/results.json``, keyed by
benchmark name, each entry with the date, the machine and the command that produced it.
Entries of benchmarks not run this time are kept.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"


def discover() -> dict[str, Path]:
    """Benchmark name -> file, for every bench_*.py beside this script."""
    return {p.stem[len("bench_"):]: p for p in sorted(HERE.glob("bench_*.py"))}


def load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(f"benchmarks.bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, "run", None)):
        raise AttributeError(f"{path.name} has no run() function")
    return module


def machine() -> dict:
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
    }
    try:
        with open("/proc/meminfo") as f:
            kb = int(next(line for line in f if line.startswith("MemTotal")).split()[1])
        info["memory_gb"] = round(kb / 1024 ** 2, 1)
    except (OSError, StopIteration, ValueError):
        pass
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu_model"] = next(line for line in f if line.startswith("model name")).split(":", 1)[1].strip()
    except (OSError, StopIteration):
        pass
    versions = {}
    for package in ("numpy", "shapely", "geopandas", "pyogrio", "pandas", "pyarrow"):
        try:
            from importlib.metadata import version
            versions[package] = version(package)
        except Exception:
            pass
    info["packages"] = versions
    return info


def _flat(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flat(v) for v in value[:5]) + (", ..." if len(value) > 5 else "") + "]"
    return str(value)


def table(results: dict[str, dict]) -> str:
    rows = [(name, key, _flat(value)) for name, result in results.items()
            for key, value in result.items() if key not in ("benchmark",)]
    if not rows:
        return "(no results)\n"
    widths = [max(len(r[i]) for r in rows + [("benchmark", "figure", "value")]) for i in range(3)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(("benchmark", "figure", "value"), widths)),
             "  ".join("-" * w for w in widths)]
    previous = None
    for name, key, value in rows:
        shown = name if name != previous else ""
        lines.append("  ".join((shown.ljust(widths[0]), key.ljust(widths[1]), value)))
        previous = name
    return "\n".join(lines) + "\n"


def write_results(new: dict[str, dict], path: Path = RESULTS) -> None:
    """Merge ``new`` into the results file, atomically."""
    try:
        merged = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    except (OSError, ValueError):
        merged = {}
    merged.update(new)
    text = json.dumps(dict(sorted(merged.items())), indent=2, sort_keys=False) + "\n"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--no-save", action="store_true", help=f"do not update {RESULTS.name}")
    args = parser.parse_args(argv)

    found = discover()
    if args.list:
        print("\n".join(found))
        return 0
    unknown = [n for n in args.names if n not in found]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(found)}")
    selected = args.names or list(found)

    sys.path.insert(0, str(HERE.parent))   # run from a checkout without installing
    info = machine()
    results, failed = {}, []
    for name in selected:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            figures = load(name, found[name]).run()
        except Exception:
            traceback.print_exc()
            failed.append(name)
            continue
        results[name] = {
            **figures,
            "wall_s": round(time.perf_counter() - started, 2),
            "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "command": f"python benchmarks/run.py {name}",
            "machine": info,
        }
    shown = {name: {k: v for k, v in r.items() if k not in ("machine", "command")} for name, r in results.items()}
    sys.stdout.write(table(shown))
    if results and not args.no_save:
        write_results(results)
        print(f"results merged into {RESULTS}", file=sys.stderr)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
