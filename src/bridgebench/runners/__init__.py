"""Runners: time implementations (Python side, in worker processes; instructions under Valgrind
on request) and run the Google Benchmark executables (C++ side). They produce the typed results
model of runners.results that the reporters, `compare` and `history` read."""
