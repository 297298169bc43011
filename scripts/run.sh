#!/usr/bin/env bash
# The main job, on a fresh machine too: set-up (scripts/bootstrap.sh), then `bridgebench run`
# (benchmarks, leak audit, report with charts). Extra arguments go to `bridgebench run`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$root/scripts/bootstrap.sh"
cd "$root"
exec "$root/.venv/bin/bridgebench" run "$@"
