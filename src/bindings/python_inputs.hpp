// RAII views of Python inputs used by the pybind11 modules: a sequence's items (a snapshot we
// own, or a reader that takes one only when it must), a buffer, and a GIL release that happens
// only when the work is worth the hand-over.
#pragma once

#include <pybind11/pybind11.h>

#include <optional>

#include "argument_error.hpp"

namespace bb::bindings {

namespace py = pybind11;

// The items of a sequence argument as they were when the call started, owned by us.
//
// The ownership rule at the boundary: native code never keeps a pointer into a Python container
// across anything that can run Python code (an item's __float__ or __index__, an iterator step,
// a GIL release, where another thread can clear the list). Such code can resize the list (its
// item array is reallocated and the old one freed) or drop the last reference to an item.
// So the items are taken into a tuple first: a list is copied (PyList_AsTuple: one pass that
// takes a reference to every item, with no Python code in between), an exact tuple is kept as it
// is (its slots never change), any other iterable is read once. From then on nothing outside can
// change what we read, every item stays alive while this object lives, and its size is the
// input's size at the start of the call; size outputs from it (or from native data), never from
// the live container.
//
// Usage: ItemSnapshot items(values, "values");
//        for (Py_ssize_t i = 0; i < items.size(); ++i) convert(items[i]);  // may call Python
class ItemSnapshot {
public:
    ItemSnapshot(py::handle object, const char* argument) {
        if (PyUnicode_Check(object.ptr()) || PyBytes_Check(object.ptr())) {
            // A str is iterable, but a list of its characters is never what the caller meant.
            raise(PyExc_TypeError, "%s must be a list or other sequence, not %.100s", argument,
                  Py_TYPE(object.ptr())->tp_name);
        }
        PyObject* items = PySequence_Tuple(object.ptr());
        if (items == nullptr) {
            // An iterable whose iteration raised keeps its own exception (the caller's bug is
            // in there); only a non-iterable gets our message.
            const bool iterable = Py_TYPE(object.ptr())->tp_iter != nullptr || PySequence_Check(object.ptr());
            if (iterable || !PyErr_ExceptionMatches(PyExc_TypeError)) throw py::error_already_set();
            PyErr_Clear();
            raise(PyExc_TypeError, "%s must be a list or other sequence, not %.100s", argument,
                  Py_TYPE(object.ptr())->tp_name);
        }
        items_ = py::reinterpret_steal<py::tuple>(items);
    }
    ItemSnapshot(const ItemSnapshot&) = delete;
    ItemSnapshot& operator=(const ItemSnapshot&) = delete;

    Py_ssize_t size() const noexcept { return PyTuple_GET_SIZE(items_.ptr()); }
    // Item i, 0 <= i < size(): a borrowed reference that stays valid while this object lives,
    // also across calls into Python and GIL releases.
    PyObject* operator[](Py_ssize_t i) const noexcept { return PyTuple_GET_ITEM(items_.ptr(), i); }
    // All items (size() of them), stable for the lifetime of this object.
    PyObject* const* items() const noexcept { return reinterpret_cast<PyTupleObject*>(items_.ptr())->ob_item; }
    // The tuple itself (for handing the same items back to Python without another copy).
    const py::tuple& tuple() const noexcept { return items_; }

private:
    py::tuple items_;
};

// The former name, kept so that bindings written against it compile; it is the same snapshot.
using FastSequence = ItemSnapshot;

// Item-by-item reading for hot conversion loops, with ItemSnapshot's guarantees at no cost for
// the common case of an exact list of plain items (items whose conversion runs no Python code,
// as the caller's `plain` predicate says: exact int, float or str, say).
//
// A list is read in place, item by item, as long as the items are plain: nothing can change it
// then. At the first item that is not, the reader takes an ItemSnapshot of the list (no Python
// code has run yet, so it holds the items as they were when the call started) and reads that from
// there on. Any other input is snapshotted at once. No pointer into the list is kept between
// reads and every read checks the list's live size, so even Python code the caller runs between
// items without going through a non-plain item (a signal handler, say) cannot make it read freed
// memory: a list shrunk under it raises RuntimeError.
//
// get(i) hands out a borrowed reference: with a plain item, valid until the caller next runs
// Python code (convert it first); otherwise as long as the reader. Loops that read an item twice
// with Python code in between (a second pass) must use ItemSnapshot.
//
// Usage: ItemReader items(values, "values");
//        for (Py_ssize_t i = 0; i < items.size(); ++i) out[i] = convert(items.get(i, is_plain));
class ItemReader {
public:
    ItemReader(py::handle object, const char* argument) : argument_(argument) {
        if (PyList_CheckExact(object.ptr())) {
            list_ = py::reinterpret_borrow<py::object>(object);
            size_ = PyList_GET_SIZE(object.ptr());
        } else {
            snapshot_.emplace(object, argument);
            size_ = snapshot_->size();
        }
    }
    ItemReader(const ItemReader&) = delete;
    ItemReader& operator=(const ItemReader&) = delete;

    // The number of items when the call started: size outputs from this.
    Py_ssize_t size() const noexcept { return size_; }

    template <class Plain>
    PyObject* get(Py_ssize_t i, Plain plain) {
        if (snapshot_) return (*snapshot_)[i];
        if (PyList_GET_SIZE(list_.ptr()) != size_) changed_size();
        PyObject* item = PyList_GET_ITEM(list_.ptr(), i);
        if (plain(item)) return item;
        snapshot_.emplace(list_, argument_);
        if (snapshot_->size() != size_) changed_size();
        return (*snapshot_)[i];
    }

private:
    [[noreturn]] void changed_size() const { raise(PyExc_RuntimeError, "%s changed size during the call", argument_); }

    const char* argument_;
    py::object list_;
    std::optional<ItemSnapshot> snapshot_;
    Py_ssize_t size_ = 0;
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
