"""A writer killed with SIGKILL in the middle of a write leaves a usable, writable index.

The child process writes batches and says when it has committed each one. The parent
then polls Whoosh's write lock with its own non-blocking ``flock`` until the child holds
it again (it is inside the next batch, a writer open with pages half added) and kills it
with SIGKILL at that moment.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from search import Index, Scope, search
from search.searching import search_keys
from search.synthetic import PageFactory

REPO = Path(__file__).resolve().parents[2]

CHILD = r"""
import sys
from search import Index
from search.synthetic import PageFactory
ix = Index(sys.argv[1])
mode, batch = sys.argv[2], int(sys.argv[3])
recs = list(PageFactory(21).pages(batch * 6))
if mode == "add":
    for i in range(6):
        print("begin", i, flush=True)
        ix.add_pages(recs[i * batch:(i + 1) * batch])
        print("committed", i, flush=True)
else:
    def slow():
        for n, r in enumerate(recs):
            if n and n % batch == 0:
                print("committed", n // batch - 1, flush=True)
            yield r
    ix.reindex(slow(), commit_every=batch)
"""


def lock_is_held(path: Path) -> bool:
    with open(path, "a") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)
        return False


def run_and_kill(ixdir: Path, mode: str, batch: int, kill_after: int, lockfile: Path) -> int:
    """Start the child, wait for ``kill_after`` commits, kill it mid-batch; return commits seen."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(ixdir), mode, str(batch)],
        stdout=subprocess.PIPE, text=True, env=env, cwd=REPO,
    )
    assert child.stdout is not None
    committed = -1
    try:
        for line in child.stdout:
            if line.startswith("committed"):
                committed = int(line.split()[1])
                if committed + 1 >= kill_after:
                    break
        deadline = time.monotonic() + 20
        while not lock_is_held(lockfile):  # wait until the child is inside the next batch
            assert time.monotonic() < deadline, "child never took the write lock again"
            time.sleep(0.01)
        # and until it has begun writing the batch's files (killed before that, it would
        # leave nothing half-written to test with)
        before = {p.name for p in lockfile.parent.iterdir()}
        while time.monotonic() < deadline and not ({p.name for p in lockfile.parent.iterdir()} - before):
            time.sleep(0.002)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
        child.stdout.close()
    assert child.returncode == -signal.SIGKILL
    return committed + 1


def test_killed_writer_leaves_a_usable_index(tmp_path: Path) -> None:
    ixdir = tmp_path / "ix"
    ix = Index(ixdir, lock_timeout=5)
    batch = 150
    commits = run_and_kill(ixdir, "add", batch, 2, ixdir / ix.generation / "MAIN_WRITELOCK")

    after = Index(ixdir, lock_timeout=5)
    gendir = ixdir / after.generation

    def dead_files() -> set[str]:
        live = [seg.segment_id() for seg in after._live()._read_toc().segments]
        return {
            p.name for p in gendir.iterdir()
            if p.name.startswith("MAIN_") and p.name != "MAIN_WRITELOCK" and not p.name.startswith(tuple(live))
        }

    debris = dead_files()
    assert debris  # the killed writer left a half-written segment behind
    count = after.doc_count()
    assert count % batch == 0 and count >= commits * batch  # whole batches only
    recs = list(PageFactory(21).pages(batch * 6))
    some = recs[0]
    assert search(after, some.case_no, Scope.everything()).total > 0
    # the lock was released by the kernel: a new writer gets it at once
    t = time.monotonic()
    after.add_pages(recs[count : count + 10])
    assert time.monotonic() - t < 5
    assert after.doc_count() == count + 10
    # and its commit removed the dead writer's half-written files
    assert not dead_files() & debris


def test_killed_reindex_resumes_and_completes(tmp_path: Path) -> None:
    ixdir = tmp_path / "ix"
    Index(ixdir)
    batch = 120
    run_and_kill(ixdir, "reindex", batch, 2, ixdir / "build" / "MAIN_WRITELOCK")
    ix = Index(ixdir)
    assert ix.doc_count() == 0  # the live generation is untouched
    recs = list(PageFactory(21).pages(batch * 6))
    report = ix.reindex(recs, commit_every=batch)
    assert report.resumed_from is not None
    assert report.pages < len(recs)
    with ix.searcher() as s:
        keys = [f["key"] for f in s.all_stored_fields()]
    assert sorted(keys) == sorted(r.key for r in recs)
    assert search_keys(ix, recs[-1].case_no, Scope.everything())
