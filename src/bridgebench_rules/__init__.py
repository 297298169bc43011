"""Argument rules shared by every implementation of a workload: one module per workload.

Each ``bridgebench_rules.<workload>`` holds that workload's options, defaults, limits and error
messages, and the checks that apply them, so that the pure-Python baseline
(``python_baseline.<workload>``), the C ABI wrapper (``bridgebench.<workload>.capi``) and the
pybind11 facade (``bridgebench.<workload>``) raise the same exception, with the same message
naming the same argument and index, for the same bad input. The pybind11 modules raise the same
messages from C++; the tests compare the three implementations on generated inputs.

Why a package of its own: the baselines are the reference the native code is measured and
checked against, and they import nothing from ``bridgebench`` (a baseline must not share a bug
with the code it checks through some helper of the package under test, and must import even
when the native build is broken). These rules are the one thing all three are meant to share,
so they live beside both, pure Python with no imports from either. Meson installs the package
next to ``bridgebench`` and ``python_baseline``.
"""
