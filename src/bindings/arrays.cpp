// bridgebench._arrays: lists (copy path) and buffers (zero-copy in, native-owned buffer out)
// crossing the boundary. Conversion and GIL handling only; the work is in src/arrays.
//
// Conversions use the CPython API directly: pybind11's generic list casters check and convert
// element by element through more layers, and the point of this module is to show what the
// boundary costs when it is done as well as CPython's own array.array does it.
#include <pybind11/pybind11.h>

#include <cstring>
#include <string_view>

#include "arrays.hpp"
#include "canary.hpp"
#include "canary_python.hpp"
#include "ledger.hpp"
#include "python_inputs.hpp"

namespace py = pybind11;
namespace ledger = bb::ledger;
using bb::bindings::BufferView;
using bb::bindings::FastSequence;
using bb::bindings::GilReleaseIf;
using bb::bindings::raise;

namespace {

// From about this many elements (64 KiB of int64) a native copy takes a few microseconds,
// more than releasing and re-taking the GIL costs; below it, holding on is cheaper.
constexpr Py_ssize_t release_gil_from = 1 << 13;

void maybe_plant_copy_canary(const char* site_name) {
    if (bb::canary::enabled("pybind_copy")) bb::canary::plant_leak(site_name, 96);
}

// ---- Python -> native ------------------------------------------------------------------

ledger::vector<std::int64_t> ints_from(py::handle values, ledger::Site& site) {
    FastSequence seq(values, "values");
    ledger::vector<std::int64_t> out(static_cast<std::size_t>(seq.size()), ledger::Allocator<std::int64_t>(site));
    PyObject* const* items = seq.items();
    for (Py_ssize_t i = 0; i < seq.size(); ++i) {
        PyObject* item = items[i];
        // bool is an int subclass, but True in a list of ints is almost always a bug.
        if (!PyLong_Check(item) || PyBool_Check(item)) {
            raise(PyExc_TypeError, "values[%zd] must be int, not %.100s", i, Py_TYPE(item)->tp_name);
        }
        int overflow = 0;
        const long long v = PyLong_AsLongLongAndOverflow(item, &overflow);
        if (overflow != 0) raise(PyExc_OverflowError, "values[%zd] = %R does not fit in int64", i, item);
        if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
        out[static_cast<std::size_t>(i)] = v;
    }
    return out;
}

double double_from(PyObject* item, Py_ssize_t i) {
    if (PyFloat_CheckExact(item)) return PyFloat_AS_DOUBLE(item);
    if (PyFloat_Check(item) || (PyLong_Check(item) && !PyBool_Check(item))) {
        const double v = PyFloat_AsDouble(item);
        if (v == -1.0 && PyErr_Occurred()) {
            PyErr_Clear();
            raise(PyExc_OverflowError, "values[%zd] = %R is too large for a double", i, item);
        }
        return v;
    }
    raise(PyExc_TypeError, "values[%zd] must be float or int, not %.100s", i, Py_TYPE(item)->tp_name);
}

ledger::vector<double> doubles_from(py::handle values, ledger::Site& site) {
    FastSequence seq(values, "values");
    ledger::vector<double> out(static_cast<std::size_t>(seq.size()), ledger::Allocator<double>(site));
    PyObject* const* items = seq.items();
    for (Py_ssize_t i = 0; i < seq.size(); ++i) out[static_cast<std::size_t>(i)] = double_from(items[i], i);
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
    FastSequence seq(values, "values");
    PyObject* const* items = seq.items();
    bb::arrays::StringArray out(site);
    out.offsets.resize(static_cast<std::size_t>(seq.size()) + 1);
    // First pass: encode (CPython caches the UTF-8 form; ASCII needs no work) and size.
    std::size_t total = 0;
    for (Py_ssize_t i = 0; i < seq.size(); ++i) {
        PyObject* item = items[i];
        if (!PyUnicode_Check(item)) {
            raise(PyExc_TypeError, "values[%zd] must be str, not %.100s", i, Py_TYPE(item)->tp_name);
        }
        Py_ssize_t length = 0;
        if (PyUnicode_AsUTF8AndSize(item, &length) == nullptr) raise_with_index(item, i);
        total += static_cast<std::size_t>(length);
        out.offsets[static_cast<std::size_t>(i) + 1] = total;
    }
    out.bytes.resize(total);
    for (Py_ssize_t i = 0; i < seq.size(); ++i) {
        Py_ssize_t length = 0;
        const char* utf8 = PyUnicode_AsUTF8AndSize(items[i], &length);  // cached: no failure now
        // All strings empty: bytes.data() is null, and memcpy(null, ..., 0) is undefined.
        if (length == 0) continue;
        std::memcpy(out.bytes.data() + out.offsets[static_cast<std::size_t>(i)], utf8,
                    static_cast<std::size_t>(length));
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
    }
    return owned;
}

// ---- the exported functions --------------------------------------------------------------

py::list roundtrip_ints(py::handle values) {
    static ledger::Site& site = ledger::site("arrays.roundtrip_ints");
    const auto in = ints_from(values, site);
    ledger::vector<std::int64_t> out{ledger::Allocator<std::int64_t>(site)};
    {
        GilReleaseIf nogil(static_cast<Py_ssize_t>(in.size()) >= release_gil_from);
        out = bb::arrays::copy_int64(in, site);
    }
    maybe_plant_copy_canary("arrays.roundtrip_ints");
    return list_from(out, [](std::int64_t v) { return PyLong_FromLongLong(v); });
}

py::list roundtrip_floats(py::handle values) {
    static ledger::Site& site = ledger::site("arrays.roundtrip_floats");
    const auto in = doubles_from(values, site);
    ledger::vector<double> out{ledger::Allocator<double>(site)};
    {
        GilReleaseIf nogil(static_cast<Py_ssize_t>(in.size()) >= release_gil_from);
        out = bb::arrays::copy_double(in, site);
    }
    return list_from(out, [](double v) { return PyFloat_FromDouble(v); });
}

py::list roundtrip_float32(py::handle values) {
    static ledger::Site& site = ledger::site("arrays.roundtrip_float32");
    const auto in = doubles_from(values, site);
    if (auto bad = bb::arrays::first_float32_overflow(in)) {
        raise(PyExc_OverflowError, "values[%zu] = %R is too large for float32 (max 3.4028234663852886e+38)", *bad,
              FastSequence(values, "values").items()[*bad]);
    }
    ledger::vector<float> out{ledger::Allocator<float>(site)};
    {
        GilReleaseIf nogil(static_cast<Py_ssize_t>(in.size()) >= release_gil_from);
        out = bb::arrays::narrow_to_float32(in, site);
    }
    return list_from(out, [](float v) { return PyFloat_FromDouble(static_cast<double>(v)); });
}

py::list roundtrip_strings(py::handle values) {
    static ledger::Site& site = ledger::site("arrays.roundtrip_strings");
    bb::bindings::maybe_plant_python_canaries(values);
    const auto in = strings_from(values, site);
    bb::arrays::StringArray out(site);
    {
        GilReleaseIf nogil(in.bytes.size() >= static_cast<std::size_t>(release_gil_from) * 8);
        out = bb::arrays::copy_strings(in, site);
    }
    PyObject* list = PyList_New(static_cast<Py_ssize_t>(out.size()));
    if (list == nullptr) throw py::error_already_set();
    auto owned = py::reinterpret_steal<py::list>(list);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::string_view s = out[i];
        PyObject* item = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "strict");
        if (item == nullptr) throw py::error_already_set();
        PyList_SET_ITEM(list, static_cast<Py_ssize_t>(i), item);
    }
    return owned;
}

// A buffer allocated natively and owned by a capsule: when the last memoryview onto it is
// released and the NativeBuffer is collected, the capsule's destructor frees it through the
// ledger. Nothing else ever frees it.
struct NativeBuffer {
    py::capsule owner;
    void* data;
    std::size_t count;
    std::size_t itemsize;
    const char* format;
};

struct CapsulePayload {
    ledger::Site* site;
    std::size_t bytes;
};

void free_capsule_buffer(void* pointer) noexcept {
    // The payload header sits in front of the data; one allocation, one free.
    auto* payload = static_cast<CapsulePayload*>(pointer) - 1;
    if (bb::canary::enabled("capsule_buffer")) bb::canary::plant_leak(payload->site->name.c_str(), 128);
    ledger::release(*payload->site, payload, sizeof(CapsulePayload) + payload->bytes);
}

NativeBuffer allocate_native_buffer(ledger::Site& site, std::size_t count, std::size_t itemsize, const char* format) {
    const std::size_t bytes = count * itemsize;
    auto* payload = static_cast<CapsulePayload*>(ledger::allocate(site, sizeof(CapsulePayload) + bytes));
    payload->site = &site;
    payload->bytes = bytes;
    void* data = payload + 1;
    // From here the capsule owns the memory, also if anything below throws.
    py::capsule owner(data, "bridgebench.native_buffer", &free_capsule_buffer);
    return NativeBuffer{std::move(owner), data, count, itemsize, format};
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
    NativeBuffer out = allocate_native_buffer(site, count, 8, format);
    {
        GilReleaseIf nogil(static_cast<Py_ssize_t>(count) >= release_gil_from);
        if (count != 0) std::memcpy(out.data, view->buf, count * 8);
    }
    return py::memoryview(py::cast(std::move(out)));
}

}  // namespace

PYBIND11_MODULE(_arrays, m) {
    m.doc() = "Array round trips across the Python/native boundary (bridgebench.arrays).";

    py::class_<NativeBuffer>(m, "NativeBuffer", py::buffer_protocol(),
                             "Native memory owned by a capsule; read it through a memoryview.")
        .def_buffer([](NativeBuffer& b) {
            return py::buffer_info(b.data, static_cast<py::ssize_t>(b.itemsize), b.format, 1,
                                   {static_cast<py::ssize_t>(b.count)}, {static_cast<py::ssize_t>(b.itemsize)},
                                   /*readonly=*/false);
        })
        .def_property_readonly("nbytes", [](const NativeBuffer& b) { return b.count * b.itemsize; });

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
