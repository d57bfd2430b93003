"""pyarrow's look for pandas spared in the processes the build starts for itself, and only
there: a caller's process keeps pyarrow's pandas integration whole."""

from __future__ import annotations

from pathlib import Path

from bench import synth

from .conftest import RAW, python

CATEGORICAL = """
import sys
import pyarrow as pa
{before}
import pandas as pd
column = pd.Series(pd.Categorical(["a", "b", "a"]))
print(pa.array(column).type)
"""


def test_a_check_in_the_callers_process_leaves_pyarrow_its_pandas(tmp_path: Path) -> None:
    # The documents fit a single chunk: they are checked in the caller's process.
    before = (
        f"from dnnd_dataset.builder import check\ncheck(__import__('pathlib').Path({str(RAW)!r}))"
    )
    done = python("-c", CATEGORICAL.format(before=before))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["dictionary<values=large_string,", "indices=int8,", "ordered=0>"]


SPARED = """
import sys
import pyarrow as pa
from dnnd_dataset.pandas_free import spare_pandas
spare_pandas()
pa.array([1, 2]); pa.Table.from_pylist([{"a": 1}])
print("pandas" in sys.modules)
import pandas as pd
print(pa.table({"a": [1]}).to_pandas()["a"].tolist())
"""


def test_a_spared_process_imports_pandas_only_when_asked() -> None:
    done = python("-c", SPARED)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "[1]"]


WORKERS = """
import sys
from pathlib import Path
from dnnd_dataset.checking import document_worker

def chunk(stems):
    outcome = checked(stems)
    assert "pandas" not in sys.modules, "a worker imported pandas"
    print("worker", flush=True)
    return outcome

checked = document_worker._check_chunk
document_worker._check_chunk = chunk
if __name__ == "__main__":
    from dnnd_dataset.builder import build
    build(Path(sys.argv[1]), Path(sys.argv[2]), jobs=2)
    print("built")
"""


def test_the_workers_of_a_run_import_no_pandas(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    synth.write_corpus(raw, 40, seed=3)
    script = tmp_path / "workers.py"
    script.write_text(WORKERS, encoding="utf-8")
    done = python(script, raw, tmp_path / "out")
    assert done.returncode == 0, done.stderr
    # Two workers print side by side: their lines may run together.
    assert (done.stdout.count("worker"), done.stdout.split()[-1]) == (3, "built")
