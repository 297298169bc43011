#!/usr/bin/env bash
# Idempotent set-up on a fresh Debian machine with CPython 3.11: system packages (apt), a
# virtual environment in .venv with the Python dependencies, and bridgebench built and
# installed into it. Safe to run again: it installs only what is missing, and the build in
# build/release is incremental.
#
# Environment: BRIDGEBENCH_PYTHON (default python3) picks the interpreter for the venv.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

log() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*" >&2; }

# --- system packages ----------------------------------------------------------------------
apt_packages=(
  g++ pkg-config            # compiler and dependency lookup for Meson
  libcurl4-openssl-dev      # the scraper's HTTP client (libcurl multi); also pycurl's build headers
  libssl-dev                # OpenSSL headers: pycurl (a scrape peer) builds against them
  libgtest-dev              # GoogleTest suites
  libbenchmark-dev          # Google Benchmark benches
  valgrind                  # leak audit: memcheck layer
  clang-format clang-tidy   # C++ style and bug-pattern gates (tests/python/test_style.py)
  clang libclang-rt-14-dev  # leak audit: fuzz layer (libFuzzer and clang's ASan/UBSan runtimes, build/fuzz)
  nginx libnginx-mod-http-echo  # scraper fixture site (echo module for delayed responses)
  wrk                       # scrape benchmark: the server's ceiling (a C load generator, same URLs)
  cmake                     # examples/ctypes-library builds its C library with CMake (scikit-build-core)
)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { log "need root (or sudo) to install: ${missing[*]}"; exit 1; }
    sudo="sudo"
  fi
  log "installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# --- Python environment -------------------------------------------------------------------
python=${BRIDGEBENCH_PYTHON:-python3}
venv="$root/.venv"
if [ ! -x "$venv/bin/python" ]; then
  log "creating $venv"
  "$python" -m venv "$venv"
fi
export PATH="$venv/bin:$PATH"
pip=("$venv/bin/python" -m pip --disable-pip-version-check -q)
stamp="$venv/.requirements-stamp"
if [ ! -f "$stamp" ] || [ requirements.txt -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  log "installing Python dependencies (requirements.txt)"
  "${pip[@]}" install -r requirements.txt
  touch "$stamp"
fi

# --- build and install bridgebench --------------------------------------------------------
# No build isolation and a fixed build dir: rebuilds are incremental, and the GoogleTest and
# Google Benchmark executables stay in build/release for the test suite and `bridgebench run`.
log "building and installing bridgebench (build/release)"
"${pip[@]}" install --no-build-isolation --no-deps -Cbuild-dir=build/release .
# The leak audit's instrumented copies (gcov and ASan+UBSan builds of the same sources): the main
# job's audit and the test suite's audit gate both need them; incremental after the first time.
log "building the leak audit's builds (build/audit, build/asan; log in build/audit-builds.log)"
(cd "$root" && "$venv/bin/python" -m bridgebench.leakcheck.builds audit asan)
