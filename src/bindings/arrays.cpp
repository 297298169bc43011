// bridgebench._arrays: lists (copy path) and buffers (zero-copy in, native-owned buffer out)
// crossing the boundary. Conversion and GIL handling only; the work is in src/arrays.
//
// Conversions use the CPython API directly: pybind11's generic list casters check and convert
// element by element through more layers, and the point of this module is to show what the
// boundary costs when it is done as well as CPython's own array.array does it.
#include <pybind11/pybind11.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>

#include "arrays.hpp"
#include "canary.hpp"
#include "canary_python.hpp"
#include "ledger.hpp"
#include "native_buffer.hpp"
#include "python_inputs.hpp"

namespace py = pybind11;
namespace ledger = bb::ledger;
using bb::bindings::BufferView;
using bb::bindings::GilReleaseIf;
using bb::bindings::ItemReader;
using bb::bindings::make_native_buffer;
using bb::bindings::NewNativeBuffer;
using bb::bindings::raise;

namespace {

// From about this many elements (64 KiB of int64) a native copy takes a few microseconds,
// more than releasing and re-taking the GIL costs; below it, holding on is cheaper.
constexpr Py_ssize_t release_gil_from = 1 << 13;

// A conversion of millions of items holds the GIL for a second or more, and CPython runs signal
// handlers only between bytecodes: every this many items the loops ask whether Ctrl-C (or any
// signal with a Python handler) arrived, a flag test when none did, so the call stops within a
// millisecond or so with KeyboardInterrupt.
constexpr std::size_t check_signals_every = 1 << 16;

void check_signals(std::size_t i) {
    if (i % check_signals_every == check_signals_every - 1 && PyErr_CheckSignals() != 0) {
        throw py::error_already_set();
    }
}

void maybe_plant_copy_canary(const char* site_name) {
    if (bb::canary::enabled("pybind_copy")) bb::canary::plant_leak(site_name, 96);
}

// ---- Python -> native ------------------------------------------------------------------
//
// Every input is read through an ItemReader (python_inputs.hpp): an item's __index__ or
// __float__ is Python code that may clear or refill the caller's list, so from the first such
// item on the loop reads a snapshot of the items we own; each item is converted exactly once and
// in order, and the output is sized from the items as they were when the call started.
// The rules (which items are accepted, the messages, the first bad index) are those of
// bridgebench_rules/arrays.py, which the baseline and the C ABI wrapper import; the tests hold
// the three to the same exception, message and index.

// Items whose conversion runs no Python code (ItemReader reads a list in place while they last).
bool is_exact_int(PyObject* item) {
    return PyLong_CheckExact(item);
}
bool is_exact_number(PyObject* item) {
    return PyFloat_CheckExact(item) || PyLong_CheckExact(item);
}
bool is_exact_str(PyObject* item) {
    return PyUnicode_CheckExact(item);
}

// Python's bool is an int subclass, but True in a list of numbers is almost always a bug.
bool is_integer_like(PyObject* item) {
    if (PyBool_Check(item)) return false;
    const PyNumberMethods* number = Py_TYPE(item)->tp_as_number;
    return PyLong_Check(item) || (number != nullptr && number->nb_index != nullptr);
}

bool is_real_number(PyObject* item) {
    if (PyBool_Check(item)) return false;
    const PyNumberMethods* number = Py_TYPE(item)->tp_as_number;
    return PyFloat_Check(item) || PyLong_Check(item) ||
           (number != nullptr && (number->nb_float != nullptr || number->nb_index != nullptr));
}

// An exact int's value when it fits in int64. Up to CPython 3.11 an int is a signed count of
// 30-bit digits followed by the digits (longintrepr.h, which Python.h includes): reading them
// here costs a third of PyLong_AsLongLongAndOverflow's general loop for the 3-digit values that
// random int64s are, which is most of a list round trip's time. Later versions lay ints out
// differently, and there the public function does it.
std::optional<std::int64_t> exact_int64(PyObject* item) {
#if PY_VERSION_HEX < 0x030C0000 && !defined(Py_LIMITED_API)
    static_assert(PyLong_SHIFT < 64);
    Py_ssize_t digits = Py_SIZE(item);
    const bool negative = digits < 0;
    if (negative) digits = -digits;
    const digit* digit_at = reinterpret_cast<const PyLongObject*>(item)->ob_digit;
    std::uint64_t magnitude = 0;
    for (Py_ssize_t d = digits - 1; d >= 0; --d) {
        if ((magnitude >> (64 - PyLong_SHIFT)) != 0) return std::nullopt;  // beyond 64 bits
        magnitude = (magnitude << PyLong_SHIFT) | digit_at[d];
    }
    constexpr std::uint64_t largest = std::numeric_limits<std::int64_t>::max();
    if (magnitude > largest + (negative ? 1 : 0)) return std::nullopt;
    return negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
#else
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(item, &overflow);
    if (overflow != 0) return std::nullopt;
    return v;
#endif
}

std::int64_t int64_from(PyObject* item, Py_ssize_t i) {
    if (PyLong_CheckExact(item)) {
        // The common case, read in place: no __index__ to call, no new reference to drop.
        const std::optional<std::int64_t> v = exact_int64(item);
        if (!v) raise(PyExc_OverflowError, "values[%zd] = %R does not fit in int64", i, item);
        return *v;
    }
    if (!is_integer_like(item)) {
        raise(PyExc_TypeError, "values[%zd] must be int, not %.100s", i, Py_TYPE(item)->tp_name);
    }
    // operator.index(): an int (or int subclass) as it is, anything else through its __index__,
    // whose own exceptions reach the caller unchanged.
    auto index = py::reinterpret_steal<py::object>(PyNumber_Index(item));
    if (!index) throw py::error_already_set();
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(index.ptr(), &overflow);
    if (overflow != 0) raise(PyExc_OverflowError, "values[%zd] = %R does not fit in int64", i, item);
    if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
    return v;
}

ledger::vector<std::int64_t> ints_from(py::handle values, ledger::Site& site) {
    ItemReader items(values, "values");
    ledger::vector<std::int64_t> out(static_cast<std::size_t>(items.size()), ledger::Allocator<std::int64_t>(site));
    for (Py_ssize_t i = 0; i < items.size(); ++i) {
        out[static_cast<std::size_t>(i)] = int64_from(items.get(i, is_exact_int), i);
        check_signals(static_cast<std::size_t>(i));
    }
    return out;
}

double double_from(PyObject* item, Py_ssize_t i) {
    if (PyFloat_CheckExact(item)) return PyFloat_AS_DOUBLE(item);
    if (!is_real_number(item)) {
        raise(PyExc_TypeError, "values[%zd] must be float or int, not %.100s", i, Py_TYPE(item)->tp_name);
    }
    // A float subclass is read as it is; anything else through __float__ (or __index__).
    const double v = PyFloat_AsDouble(item);
    if (v == -1.0 && PyErr_Occurred()) {
        // Too large for a double is ours to name; any other exception came from the item's own
        // __float__ or __index__ and reaches the caller unchanged.
        if (!PyErr_ExceptionMatches(PyExc_OverflowError)) throw py::error_already_set();
        PyErr_Clear();
        raise(PyExc_OverflowError, "values[%zd] = %R is too large for a double", i, item);
    }
    return v;
}

ledger::vector<double> doubles_from(py::handle values, ledger::Site& site) {
    ItemReader items(values, "values");
    ledger::vector<double> out(static_cast<std::size_t>(items.size()), ledger::Allocator<double>(site));
    for (Py_ssize_t i = 0; i < items.size(); ++i) {
        out[static_cast<std::size_t>(i)] = double_from(items.get(i, is_exact_number), i);
        check_signals(static_cast<std::size_t>(i));
    }
    return out;
}

// Doubles that all fit in float32: an element too large for it is reported where it stands, so
// the first bad element in order is the one named, whatever is wrong with the later ones.
ledger::vector<double> float32_doubles_from(py::handle values, ledger::Site& site) {
    ItemReader items(values, "values");
    ledger::vector<double> out(static_cast<std::size_t>(items.size()), ledger::Allocator<double>(site));
    for (Py_ssize_t i = 0; i < items.size(); ++i) {
        PyObject* item = items.get(i, is_exact_number);
        const double v = double_from(item, i);
        if (!bb::arrays::fits_float32(v)) {
            raise(PyExc_OverflowError, "values[%zd] = %R is too large for float32 (max 3.4028234663852886e+38)", i,
                  item);
        }
        out[static_cast<std::size_t>(i)] = v;
        check_signals(static_cast<std::size_t>(i));
    }
    return out;
}

[[noreturn]] void raise_with_index(PyObject* str, Py_ssize_t i) {
    // Re-raise the codec's UnicodeEncodeError with the argument and index in its reason, so
    // the type and the position stay what callers expect.
    py::error_already_set original;
    if (original.matches(PyExc_UnicodeEncodeError)) {
        Py_ssize_t start = 0, end = 0;
        PyUnicodeEncodeError_GetStart(original.value().ptr(), &start);
        PyUnicodeEncodeError_GetEnd(original.value().ptr(), &end);
        const std::string reason = "values[" + std::to_string(i) + "] cannot be encoded as UTF-8 (lone surrogate)";
        PyObject* error =
            PyObject_CallFunction(PyExc_UnicodeEncodeError, "sOnns", "utf-8", str, start, end, reason.c_str());
        if (error != nullptr) {
            PyErr_SetObject(PyExc_UnicodeEncodeError, error);
            Py_DECREF(error);
        }
        throw py::error_already_set();
    }
    original.restore();
    throw py::error_already_set();
}

bb::arrays::StringArray strings_from(py::handle values, ledger::Site& site) {
    ItemReader items(values, "values");
    bb::arrays::StringArray out(site, static_cast<std::size_t>(items.size()));
    for (Py_ssize_t i = 0; i < items.size(); ++i) {
        PyObject* item = items.get(i, is_exact_str);
        if (!PyUnicode_Check(item)) {
            raise(PyExc_TypeError, "values[%zd] must be str, not %.100s", i, Py_TYPE(item)->tp_name);
        }
        // CPython caches the UTF-8 form in the str (ASCII needs no work); it is copied at once.
        Py_ssize_t length = 0;
        const char* utf8 = PyUnicode_AsUTF8AndSize(item, &length);
        if (utf8 == nullptr) raise_with_index(item, i);
        out.push_back(std::string_view(utf8, static_cast<std::size_t>(length)));
        check_signals(static_cast<std::size_t>(i));
    }
    return out;
}

// ---- native -> Python ------------------------------------------------------------------

template <class T, class Convert>
py::list list_from(const ledger::vector<T>& values, Convert convert) {
    PyObject* list = PyList_New(static_cast<Py_ssize_t>(values.size()));
    if (list == nullptr) throw py::error_already_set();
    auto owned = py::reinterpret_steal<py::list>(list);
    for (std::size_t i = 0; i < values.size(); ++i) {
        PyObject* item = convert(values[i]);
        if (item == nullptr) throw py::error_already_set();
        PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), item);
        check_signals(i);
    }
    return owned;
}

// ---- the exported functions --------------------------------------------------------------

// The native copy of what `read` took from Python, made without the GIL once it is long enough.
// The input array is freed here, before the caller builds the output list: two large blocks
// alive at once instead of three. With three, freeing them left more than glibc's trim threshold
// (128 KiB) free at the top of the heap from about 6,000 elements on, so every call gave pages
// back to the system and faulted them in again (two brk calls and ~15 page faults per call at
// 8,000 int64s: a fifth of the call's time).
template <class Read, class Copy>
auto native_copy(py::handle values, ledger::Site& site, Read read, Copy copy) {
    const auto in = read(values, site);
    GilReleaseIf nogil(static_cast<Py_ssize_t>(in.size()) >= release_gil_from);
    return copy(in, site);
}

py::list roundtrip_ints(py::handle values) {
    static ledger::Site& site = ledger::site("arrays.roundtrip_ints");
    const auto out = native_copy(values, site, ints_from, bb::arrays::copy_int64);
    maybe_plant_copy_canary("arrays.roundtrip_ints");
    return list_from(out, [](std::int64_t v) { return PyLong_FromLongLong(v); });
}

py::list roundtrip_floats(py::handle values) {
    static ledger::Site& site = ledger::site("arrays.roundtrip_floats");
    const auto out = native_copy(values, site, doubles_from, bb::arrays::copy_double);
    return list_from(out, [](double v) { return PyFloat_FromDouble(v); });
}

py::list roundtrip_float32(py::handle values) {
    static ledger::Site& site = ledger::site("arrays.roundtrip_float32");
    const auto out = native_copy(values, site, float32_doubles_from, bb::arrays::narrow_to_float32);
    return list_from(out, [](float v) { return PyFloat_FromDouble(static_cast<double>(v)); });
}

py::list roundtrip_strings(py::handle values) {
    static ledger::Site& site = ledger::site("arrays.roundtrip_strings");
    bb::bindings::maybe_plant_python_canaries(values);
    const bb::arrays::StringArray out = [&] {
        const auto in = strings_from(values, site);
        GilReleaseIf nogil(in.bytes.size() >= static_cast<std::size_t>(release_gil_from) * 8);
        return bb::arrays::copy_strings(in, site);
    }();
    PyObject* list = PyList_New(static_cast<Py_ssize_t>(out.size()));
    if (list == nullptr) throw py::error_already_set();
    auto owned = py::reinterpret_steal<py::list>(list);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::string_view s = out[i];
        PyObject* item = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "strict");
        if (item == nullptr) throw py::error_already_set();
        PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), item);
        check_signals(i);
    }
    return owned;
}

bool format_is(const Py_buffer& view, std::initializer_list<std::string_view> accepted) {
    const std::string_view format = view.format != nullptr ? view.format : "B";
    for (auto f : accepted) {
        if (format == f) return true;
    }
    return false;
}

py::memoryview roundtrip_buffer(py::handle values, const char* site_name, const char* type_name, const char* format,
                                std::initializer_list<std::string_view> accepted) {
    ledger::Site& site = ledger::site(site_name);
    BufferView view(values, PyBUF_RECORDS_RO, "values");
    if (view->ndim != 1) raise(PyExc_ValueError, "values must be a 1-dimensional buffer, got ndim=%d", view->ndim);
    if (view->itemsize != 8 || !format_is(*view, accepted)) {
        raise(PyExc_ValueError, "values must be a buffer of %s (format '%s'), got format '%s' with itemsize %zd",
              type_name, format, view->format != nullptr ? view->format : "B", view->itemsize);
    }
    if (!PyBuffer_IsContiguous(&*view, 'C')) raise(PyExc_ValueError, "values must be a C-contiguous buffer");
    const auto count = static_cast<std::size_t>(view->shape[0]);
    const NewNativeBuffer out = make_native_buffer(site, count, 8, format);
    {
        GilReleaseIf nogil(static_cast<Py_ssize_t>(count) >= release_gil_from);
        if (count != 0) std::memcpy(out.data, view->buf, count * 8);
    }
    return py::memoryview(out.buffer);
}

}  // namespace

PYBIND11_MODULE(_arrays, m) {
    m.doc() = "Array round trips across the Python/native boundary (bridgebench.arrays).";

    bb::bindings::add_native_buffer_type(m);

    m.def("roundtrip_ints", &roundtrip_ints, py::arg("values"),
          "Copy a list of ints (int64) into a native array and back into a new list.");
    m.def("roundtrip_floats", &roundtrip_floats, py::arg("values"),
          "Copy a list of floats (double) into a native array and back into a new list.");
    m.def("roundtrip_float32", &roundtrip_float32, py::arg("values"),
          "Round a list of floats through float32 (precision loss on purpose; overflow raises).");
    m.def("roundtrip_strings", &roundtrip_strings, py::arg("values"),
          "Copy a list of str through native UTF-8 with explicit lengths (embedded NUL survives).");
    m.def(
        "roundtrip_ints_buffer",
        [](py::handle values) {
            return roundtrip_buffer(values, "arrays.roundtrip_ints_buffer", "int64", "q",
                                    {"q", "l", "<q", "<l", "=q", "=l", "@q", "@l"});
        },
        py::arg("values"),
        "Copy an int64 buffer (e.g. array.array('q')) into a native-owned buffer; returns a memoryview.");
    m.def(
        "roundtrip_floats_buffer",
        [](py::handle values) {
            return roundtrip_buffer(values, "arrays.roundtrip_floats_buffer", "double", "d", {"d", "<d", "=d", "@d"});
        },
        py::arg("values"),
        "Copy a double buffer (e.g. array.array('d')) into a native-owned buffer; returns a memoryview.");
}
