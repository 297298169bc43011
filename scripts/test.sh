#!/usr/bin/env bash
# The whole test suite, on a fresh machine too: set-up (scripts/bootstrap.sh), then pytest,
# which also drives the GoogleTest executables (tests/python/test_native_suites.py) and the
# leak audit's quick gate, so there is one summary. Extra arguments go to pytest.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/bootstrap.sh"
cd "$root"
exec "$root/.venv/bin/pytest" "$@"
