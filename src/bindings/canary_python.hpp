// Canaries on the Python side of a binding (see src/ledger/canary.hpp): faults a binding makes
// with the CPython API rather than with our own allocator, so the ledger never sees them.
//  - python_ref:   a new Python object whose reference is never dropped (a missing decref);
//                  lost, so exit-time checkers see it, but only through CPython's allocator.
//  - python_cache: a new Python object per call (a 1-tuple holding the call's input) kept in a
//                  process-wide vector of py::object, like a memo keyed on each call: one
//                  object per call, still reachable.
//  - native_cache: 64 bytes per call in a process-wide std::vector (still reachable, the heap
//                  grows in steps as the vector doubles).
// Audit builds only; off unless switched on at run time.
#pragma once

#include <pybind11/pybind11.h>

#include <vector>

#include "canary.hpp"

namespace bb::bindings {

inline void maybe_plant_python_canaries(pybind11::handle input) {
    if constexpr (bb::canary::compiled_in) {
        if (bb::canary::enabled("python_ref")) bb::canary::lose(PyBytes_FromStringAndSize(nullptr, 200));
        if (bb::canary::enabled("python_cache")) {
            // Never destroyed: its references would otherwise be dropped after the interpreter
            // has gone.
            static auto* kept = new std::vector<pybind11::object>();
            // A new object each call: the same input list kept again would add no object.
            kept->push_back(pybind11::make_tuple(input));
        }
        if (bb::canary::enabled("native_cache")) bb::canary::remember_call();
    }
}

}  // namespace bb::bindings
