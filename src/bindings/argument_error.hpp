// Raising Python exceptions that name the argument (and the element index) from the pybind11
// modules: the message is built by CPython's own formatter, so %R and %S take objects.
#pragma once

#include <pybind11/pybind11.h>

#include <cstdarg>

namespace bb::bindings {

namespace py = pybind11;

// Sets a Python exception with a printf-style message (PyUnicode_FromFormat codes) and throws
// so pybind11 hands it to Python as it is.
[[noreturn]] inline void raise(PyObject* type, const char* format, ...) {
    va_list args;
    va_start(args, format);
    PyErr_FormatV(type, format, args);
    va_end(args);
    throw py::error_already_set();
}

}  // namespace bb::bindings
