"""Every app's tests run in `make test`: pytest collects only the folders named in
pyproject.toml's ``testpaths``, and the back office's tests went unrun for a while
because its folder was missing from that list. No database."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_tests_folder_is_under_a_testpath():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    testpaths = config["tool"]["pytest"]["ini_options"]["testpaths"]
    folders = {
        path.parent.relative_to(ROOT)
        for top in ROOT.iterdir()
        if top.is_dir() and not top.name.startswith(".") and top.name not in {"build", "static"}
        for path in top.glob("**/tests/__init__.py")
    }
    unrun = sorted(
        str(folder)
        for folder in folders
        if not any(folder.parts[: len(Path(p).parts)] == Path(p).parts for p in testpaths)
    )
    assert not unrun, f"add these to testpaths in pyproject.toml: {unrun}"
