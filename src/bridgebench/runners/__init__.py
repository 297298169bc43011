"""Runners: time implementations (Python side, in worker processes) and run the Google
Benchmark executables (C++ side). They produce plain dicts that the reporters render."""
