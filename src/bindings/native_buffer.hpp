// bridgebench._arrays.NativeBuffer: native memory exported through the buffer protocol, owned by
// a capsule whose destructor frees it through the ledger.
//
// It is a plain CPython type, not a pybind11 class, because Python code must never get hold of
// one that native code did not fill in: pybind11 lets `T.__new__(T)` (or copy.copy, or the base
// class's __new__) make an instance without running any constructor and then hands uninitialised
// memory to its methods and buffer. This type has no __new__ at all (CPython's
// Py_TPFLAGS_DISALLOW_INSTANTIATION), so every such attempt raises TypeError, it cannot be
// subclassed or pickled, and the only instances are those made by make_native_buffer().
#pragma once

#include <pybind11/pybind11.h>

#include <cstddef>

#include "ledger.hpp"

namespace bb::bindings {

namespace py = pybind11;

// Creates the type and adds it to `module` as NativeBuffer (once, at module initialisation).
void add_native_buffer_type(py::module_& module);

struct NewNativeBuffer {
    py::object buffer;  // the NativeBuffer; it owns `data`
    void* data;         // count * itemsize bytes for the caller to fill before anyone reads them
};

// A NativeBuffer of `count` items of `itemsize` bytes in struct `format` (a string literal),
// counted against `site` until the capsule inside it is freed.
NewNativeBuffer make_native_buffer(ledger::Site& site, std::size_t count, std::size_t itemsize, const char* format);

}  // namespace bb::bindings
