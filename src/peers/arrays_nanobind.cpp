// bridgebench._arrays_nanobind: the int64, double and string round trips bound with nanobind's
// own converters (its std::vector, std::string and number casters), as nanobind's documentation
// binds a function that takes and returns containers. A peer of bridgebench._arrays, whose
// pybind11 functions convert with hand-written CPython loops: the native work in between is the
// same core copy, so the difference is what each binding costs per call and per element.
#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "arrays.hpp"
#include "ledger.hpp"

namespace nb = nanobind;
namespace ledger = bb::ledger;

namespace {

// As in bridgebench._arrays: from about 64 KiB of data a native copy takes a few microseconds,
// more than releasing and re-taking the GIL costs.
constexpr std::size_t release_gil_from = 1 << 13;

// nanobind's list caster reads a list's item array in place while it converts the items, and an
// item's __index__ or __float__ is Python code that may clear the list and free that array. A
// tuple of the items holds a reference to each and cannot change, so the caster reads that
// instead (one pointer copy per element; any iterable is read into one). Anything else, or an
// item the caster rejects, is a TypeError naming the argument.
template <class T>
T converted(nb::handle values, const char* expected) {
    PyObject* object = values.ptr();
    const bool iterable = Py_TYPE(object)->tp_iter != nullptr || PySequence_Check(object);
    if (PyUnicode_Check(object) || PyBytes_Check(object) || !iterable) {
        throw nb::type_error(("values must be an iterable of " + std::string(expected) + ", not " +
                              std::string(Py_TYPE(values.ptr())->tp_name))
                                 .c_str());
    }
    nb::object snapshot = nb::steal(PySequence_Tuple(object));
    if (!snapshot.is_valid()) nb::raise_python_error();
    T out;
    if (!nb::try_cast(snapshot, out)) {
        throw nb::type_error(("values must be an iterable of " + std::string(expected)).c_str());
    }
    return out;
}

// The core copy, without the GIL when it is long enough to matter. The ledger-counted result
// goes back through nanobind's list caster, which reads any std::vector, whatever its allocator.
template <class T, class Copy>
ledger::vector<T> copied(const std::vector<T>& in, const char* site_name, Copy copy) {
    ledger::Site& site = ledger::site(site_name);
    std::optional<nb::gil_scoped_release> nogil;
    if (in.size() >= release_gil_from) nogil.emplace();
    return copy(std::span<const T>(in), site);
}

ledger::vector<std::int64_t> roundtrip_ints(nb::handle values) {
    return copied(converted<std::vector<std::int64_t>>(values, "int (int64)"), "peers.nanobind.roundtrip_ints",
                  bb::arrays::copy_int64);
}

ledger::vector<double> roundtrip_floats(nb::handle values) {
    return copied(converted<std::vector<double>>(values, "float"), "peers.nanobind.roundtrip_floats",
                  bb::arrays::copy_double);
}

// Strings go in and out as std::string, nanobind's string caster (UTF-8 both ways), packed into
// the core's layout and back.
std::vector<std::string> roundtrip_strings(nb::handle values) {
    const auto in = converted<std::vector<std::string>>(values, "str");
    ledger::Site& site = ledger::site("peers.nanobind.roundtrip_strings");
    bb::arrays::StringArray packed(site, in.size());
    for (const auto& s : in) packed.push_back(s);
    std::vector<std::string> out;
    out.reserve(in.size());
    {
        std::optional<nb::gil_scoped_release> nogil;
        if (packed.bytes.size() >= release_gil_from * 8) nogil.emplace();
        const bb::arrays::StringArray copy = bb::arrays::copy_strings(packed, site);
        for (std::size_t i = 0; i < copy.size(); ++i) out.emplace_back(copy[i]);
    }
    return out;
}

}  // namespace

NB_MODULE(_arrays_nanobind, m) {
    m.doc() = "The array round trips bound with nanobind's converters (a peer for the binding comparison).";
    m.def("roundtrip_ints", &roundtrip_ints, nb::arg("values").none(),
          "Copy an iterable of ints (int64) into a native array and back into a new list.");
    m.def("roundtrip_floats", &roundtrip_floats, nb::arg("values").none(),
          "Copy an iterable of floats (double) into a native array and back into a new list.");
    m.def("roundtrip_strings", &roundtrip_strings, nb::arg("values").none(),
          "Copy an iterable of str through native UTF-8 with explicit lengths and back into a new list.");
}
