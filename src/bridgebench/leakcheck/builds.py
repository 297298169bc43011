"""The audit builds, each in its own Meson build dir and installed into <build dir>/site, which
the workers put first on PYTHONPATH:

- build/audit: -Dcanaries=true, -O2 -g (debugoptimized), with gcov coverage (-Db_coverage=true):
  ledger, growth and Valgrind layers, and the native coverage of the scenarios
  (bridgebench.leakcheck.native_coverage). Counters are plain increments, not atomic ones (GCC
  picks atomic with -pthread; they made the audit build 4 times slower): a count racing with
  another thread may be off, but a line that ran never reads zero;
- build/asan:  -Dcanaries=true, -O2 -g plus -Db_sanitize=address,undefined -Db_lundef=false and
  -fsanitize-recover=address (an invalid access is reported and the run goes on): ASan layer.
- build/fuzz:  clang, ASan + UBSan, -Dfuzzing=true (the libFuzzer targets): fuzz layer.

GoogleTest and Google Benchmark are not built there. Rebuilds are incremental (ninja), so only
the first audit on a machine pays for the compile.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from bridgebench.errors import SetupError

COMMON = ["--buildtype=debugoptimized", "-Dcanaries=true", "-Dnative_tests=disabled", "-Dnative_benchmarks=disabled"]
KINDS = {
    "audit": ["-Db_coverage=true", "-Dcpp_args=-fprofile-update=single"],
    "asan": ["-Db_sanitize=address,undefined", "-Db_lundef=false", "-Dcpp_args=-fsanitize-recover=address"],
    "fuzz": ["-Db_sanitize=address,undefined", "-Db_lundef=false", "-Dfuzzing=true"],
}
# Written into each build dir: a build configured with other options is configured again.
OPTIONS_STAMP = "bridgebench-audit-options.txt"
# Builds that need another compiler than the default (libFuzzer comes with clang only).
COMPILERS = {"fuzz": {"CC": "clang", "CXX": "clang++"}}


NEEDS_SOURCE_TREE = "needs the source tree; run from a checkout or set BRIDGEBENCH_ROOT"


def is_source_tree(candidate: Path) -> bool:
    return (
        (candidate / "meson.build").is_file()
        and (candidate / "leakcheck").is_dir()
        and (candidate / "src" / "bridgebench").is_dir()
    )


def find_root(start: Path | None = None) -> Path:
    """The source tree the audit builds are made from: $BRIDGEBENCH_ROOT, or the checkout the
    command runs in (the working directory or one of its parents). The audit builds its own
    instrumented copies from there, so it never depends on how the running package was installed."""
    configured = os.environ.get("BRIDGEBENCH_ROOT")
    if configured:
        root = Path(configured).resolve()
        if not is_source_tree(root):
            raise SetupError(f"BRIDGEBENCH_ROOT={configured} is not a bridgebench source tree")
        return root
    here = (start or Path.cwd()).resolve()
    for candidate in [here, *here.parents]:
        if is_source_tree(candidate):
            return candidate
    raise SetupError(NEEDS_SOURCE_TREE)


def _tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        raise SetupError(f"{name} not found (run scripts/bootstrap.sh)")
    return found


def build_dir(root: Path, kind: str) -> Path:
    return root / "build" / kind


def site_dir(root: Path, kind: str) -> Path:
    return build_dir(root, kind) / "site"


def ensure(root: Path, kind: str, log: Path) -> Path:
    """Configures (once), compiles (incrementally) and installs build/<kind>; returns its site dir."""
    bdir, site = build_dir(root, kind), site_dir(root, kind)
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env.update(COMPILERS.get(kind, {}))
    meson = _tool("meson")
    steps = []
    options = [*COMMON, *KINDS[kind]]
    stamp = bdir / OPTIONS_STAMP
    configured = (bdir / "build.ninja").is_file()
    if not configured or not stamp.is_file() or stamp.read_text() != "\n".join(options):
        steps.append(
            [
                meson,
                "setup",
                *(["--reconfigure"] if configured else []),
                str(bdir),
                str(root),
                *options,
                f"-Dpython.platlibdir={site}",
                f"-Dpython.purelibdir={site}",
                f"--prefix={bdir / 'prefix'}",
            ]
        )
    steps.append([meson, "compile", "-C", str(bdir), "-j", "2"])
    steps.append([meson, "install", "-C", str(bdir), "--quiet", "--no-rebuild"])
    with open(log, "a") as f:
        for step in steps:
            f.write("$ " + " ".join(step) + "\n")
            f.flush()
            proc = subprocess.run(step, cwd=root, env=env, stdout=f, stderr=subprocess.STDOUT)
            if proc.returncode != 0:
                raise SetupError(f"building {bdir} failed ({' '.join(step[:2])}); see {log}")
    stamp.write_text("\n".join(options))
    return site


def our_function_names(root: Path) -> set[str]:
    """Demangled names of every function defined in our binaries of an audit build (for the
    suppression check; both builds hold the same functions)."""
    names: set[str] = set()
    nm = shutil.which("nm")
    sites = [site_dir(root, kind) / "bridgebench" for kind in KINDS]
    site = next((s for s in sites if s.is_dir()), None)
    if nm is None or site is None:
        return names
    for binary in [*site.glob("libbridgebench.so*"), *site.glob("_*.so")]:
        out = subprocess.run([nm, "-C", "--defined-only", str(binary)], capture_output=True, text=True).stdout
        for line in out.splitlines():
            parts = line.split(" ", 2)
            if len(parts) == 3 and parts[1] in "TtWw":
                names.add(parts[2])
    return names


def main(argv: list[str]) -> int:
    """`python -m bridgebench.leakcheck.builds KIND...`: the set-up step that makes the audit
    builds ahead of the first audit (scripts/bootstrap.sh), so the main job does not pay for
    compiling them. Exit 2 on a failed build, like every set-up problem."""
    unknown = [kind for kind in argv if kind not in KINDS]
    if not argv or unknown:
        print(f"usage: python -m bridgebench.leakcheck.builds {{{','.join(KINDS)}}}...", file=sys.stderr)
        return 2
    root = find_root()
    log = root / "build" / "audit-builds.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    try:
        for kind in argv:
            ensure(root, kind, log)
    except SetupError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
