// RAII views of Python inputs used by the pybind11 modules: a list/tuple's items, a buffer, and
// a GIL release that happens only when the work is worth the hand-over.
#pragma once

#include <pybind11/pybind11.h>

#include "argument_error.hpp"

namespace bb::bindings {

namespace py = pybind11;

// Borrows the items of a list or tuple (other iterables are materialised once, as
// PySequence_Fast does). Holds its own reference, so the items stay alive while we read.
class FastSequence {
public:
    FastSequence(py::handle object, const char* argument) {
        if (PyUnicode_Check(object.ptr()) || PyBytes_Check(object.ptr())) {
            // A str is iterable, but a list of its characters is never what the caller meant.
            raise(PyExc_TypeError, "%s must be a list or other sequence, not %.100s", argument,
                  Py_TYPE(object.ptr())->tp_name);
        }
        seq_ = PySequence_Fast(object.ptr(), "");
        if (seq_ == nullptr) {
            // An iterable whose iteration raised keeps its own exception (the caller's bug is
            // in there); only a non-iterable gets our message.
            const bool iterable = Py_TYPE(object.ptr())->tp_iter != nullptr || PySequence_Check(object.ptr());
            if (iterable || !PyErr_ExceptionMatches(PyExc_TypeError)) throw py::error_already_set();
            PyErr_Clear();
            raise(PyExc_TypeError, "%s must be a list or other sequence, not %.100s", argument,
                  Py_TYPE(object.ptr())->tp_name);
        }
    }
    FastSequence(const FastSequence&) = delete;
    FastSequence& operator=(const FastSequence&) = delete;
    ~FastSequence() { Py_DECREF(seq_); }

    Py_ssize_t size() const noexcept { return PySequence_Fast_GET_SIZE(seq_); }
    PyObject* const* items() const noexcept { return PySequence_Fast_ITEMS(seq_); }

private:
    PyObject* seq_;
};

// A Py_buffer that is always released.
class BufferView {
public:
    BufferView(py::handle object, int flags, const char* argument) {
        if (!PyObject_CheckBuffer(object.ptr())) {
            raise(PyExc_TypeError, "%s must support the buffer protocol (e.g. array.array), not %.100s", argument,
                  Py_TYPE(object.ptr())->tp_name);
        }
        if (PyObject_GetBuffer(object.ptr(), &view_, flags) != 0) {
            // The exporter's own message (often BufferError) says why; keep it, name the argument.
            py::error_already_set original;
            raise(PyExc_ValueError, "%s: cannot get a buffer: %S", argument, original.value().ptr());
        }
    }
    BufferView(const BufferView&) = delete;
    BufferView& operator=(const BufferView&) = delete;
    ~BufferView() { PyBuffer_Release(&view_); }
    const Py_buffer& operator*() const noexcept { return view_; }
    const Py_buffer* operator->() const noexcept { return &view_; }

private:
    Py_buffer view_{};
};

// Releases the GIL only when the work is big enough to be worth the hand-over.
class GilReleaseIf {
public:
    explicit GilReleaseIf(bool release) : state_(release ? PyEval_SaveThread() : nullptr) {}
    GilReleaseIf(const GilReleaseIf&) = delete;
    GilReleaseIf& operator=(const GilReleaseIf&) = delete;
    ~GilReleaseIf() {
        if (state_ != nullptr) PyEval_RestoreThread(state_);
    }

private:
    PyThreadState* state_;
};

}  // namespace bb::bindings
