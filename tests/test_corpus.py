"""Public readers' test workbooks through `python -m vanhoa ingest`, one at a time, each within
10 s and 600 MB, accepted or refused cleanly (exit 0 or 1, a Vietnamese first line, no traceback).

The corpus is not part of the repository (fetched content is never committed): point
VANHOA_CORPUS at a folder of .xlsx/.xlsm/.xlsb/.xls/.ods files to run it; without it the test is
skipped. Run as a script for a table of every file (exit code, seconds, peak MB, first line):

    VANHOA_CORPUS=/tmp/corpus .venv/bin/python tests/test_corpus.py > corpus.tsv

Each file is ingested by the CLI's own main() in a process forked from one that has imported
the app already (a fresh interpreter costs 2,8 s a file: 2,000 files would take an hour), with
an address-space cap as a last resort; its peak memory is the larger of the child's maximum
resident set and the resident memory of the child with its descendants (the reader's worker
process), sampled every 10 ms.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import pytest

TIMEOUT_S = 10.0
MAX_RSS_MB = 600
AS_CAP = 4 * 2**30  # the child's address space: far above 600 MB of use, below the machine's memory
EXTENSIONS = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
CORPUS = os.environ.get("VANHOA_CORPUS")


def corpus_files(folder: str | None = CORPUS) -> list[Path]:
    if not folder:
        return []
    return sorted(p for p in Path(folder).rglob("*") if p.is_file() and p.name.lower().endswith(EXTENSIONS))


def _tree_usage(pid: int) -> tuple[int, float]:
    """Resident bytes of a process's descendants and the process (the reader's worker process is
    one), and the CPU seconds of the descendants, sampled: on a busy machine the wall-clock time
    says little, the CPU time says what the file costs."""
    try:
        import psutil

        process = psutil.Process(pid)
        children = process.children(recursive=True)
        cpu = sum(sum(c.cpu_times()[:2]) for c in children)
        return sum(p.memory_info().rss for p in [process, *children]), cpu
    except Exception:  # noqa: BLE001 - psutil missing, or the process just ended
        return 0, 0.0


def run_one(path: Path, db: str) -> dict:
    """Ingest one file in a forked child: exit code (or -signal, or 'timeout'), seconds, peak MB, output."""
    from vanhoa import __main__ as cli

    out = tempfile.TemporaryFile()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # the child: the CLI's main(), its output into `out`
        code = 70
        try:
            resource.setrlimit(resource.RLIMIT_AS, (AS_CAP, AS_CAP))
            os.dup2(out.fileno(), 1)
            os.dup2(out.fileno(), 2)
            sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
            sys.stderr = open(2, "w", encoding="utf-8", closefd=False)
            try:
                code = cli.main(["--db", db, "ingest", "--by", "corpus", str(path)])
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:  # noqa: BLE001 - what Python would print, and its exit code
                import traceback

                traceback.print_exc()
                code = 1
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
    status, tree_peak, tree_cpu = None, 0, 0.0
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() - start > TIMEOUT_S:
            os.kill(pid, 9)
            _, status, usage = os.wait4(pid, 0)
            status = None
            break
        rss, cpu = _tree_usage(pid)
        tree_peak, tree_cpu = max(tree_peak, rss), max(tree_cpu, cpu)
        time.sleep(0.01)
    seconds = time.monotonic() - start
    out.seek(0)
    text = out.read().decode("utf-8", "replace")
    out.close()
    if status is None:
        code = "timeout"
    elif os.WIFSIGNALED(status):
        code = -os.WTERMSIG(status)
    else:
        code = os.WEXITSTATUS(status)
    lines = [line for line in text.splitlines() if line.strip()]
    peak = max(usage.ru_maxrss * 1024, tree_peak)
    return {"file": str(path), "code": code, "seconds": seconds, "peak_mb": peak / 2**20,
            "cpu": usage.ru_utime + usage.ru_stime + tree_cpu,
            "first": lines[0] if lines else "", "output": text}


_VIETNAMESE = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")


def problems_of(result: dict) -> list[str]:
    """What is wrong with one file's run; [] when it was accepted or refused cleanly."""
    found = []
    if result["code"] not in (0, 1):
        found.append(f"exit {result['code']}")
    if result["seconds"] > TIMEOUT_S:
        found.append(f"{result['seconds']:.1f} s")
    if result["peak_mb"] > MAX_RSS_MB:
        found.append(f"{result['peak_mb']:.0f} MB")
    if "Traceback" in result["output"] or "Error:" in result["output"]:
        found.append("traceback")
    if not _VIETNAMESE & set(result["first"].lower()):
        found.append("not Vietnamese: " + result["first"][:120])
    return found


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("corpus") / "corpus.duckdb")


@pytest.mark.skipif(not CORPUS, reason="VANHOA_CORPUS names no folder of workbooks")
@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_file_is_accepted_or_refused_cleanly(path, corpus_db):
    result = run_one(path, corpus_db)
    assert problems_of(result) == [], result["output"][-2000:]


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import vanhoa.ingest  # imported once, before the children are forked
    import vanhoa.store  # noqa: F401
    files = corpus_files(sys.argv[1] if len(sys.argv) > 1 else CORPUS)
    shard, shards = (int(x) for x in os.environ.get("VANHOA_CORPUS_SHARD", "0/1").split("/"))
    with tempfile.TemporaryDirectory() as folder:
        db = os.path.join(folder, "corpus.duckdb")
        print("file\tcode\tseconds\tcpu\tpeak_mb\tproblems\tfirst line", flush=True)
        for number, path in enumerate(files):
            if number % shards != shard:
                continue
            result = run_one(path, db)
            print(f"{path.name}\t{result['code']}\t{result['seconds']:.2f}\t{result['cpu']:.2f}\t{result['peak_mb']:.0f}\t"
                  f"{'; '.join(problems_of(result))}\t{result['first'][:200]}", flush=True)
