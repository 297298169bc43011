// bridgebench._spell: the spell checker's index and searches. Conversion (Python str <->
// code points, arguments -> SearchOptions, hits -> Python objects) and GIL handling only;
// the work is in src/spell.
//
// Strings are read straight out of CPython's own representation (1, 2 or 4 bytes per code
// point), so no UTF-8 round trip happens on this path.
#include <pybind11/pybind11.h>

#include <climits>
#include <cmath>
#include <memory>
#include <string>
#include <string_view>

#include "ledger.hpp"
#include "python_inputs.hpp"
#include "speller.hpp"

namespace py = pybind11;
namespace ledger = bb::ledger;
namespace spell = bb::spell;
using bb::bindings::FastSequence;
using bb::bindings::GilReleaseIf;
using bb::bindings::raise;

namespace {

// Below this many dictionary words a search takes less time than the GIL hand-over.
constexpr std::size_t release_gil_from_words = 2048;

// ---- Python -> native --------------------------------------------------------------------

void check_str(PyObject* object, const char* argument) {
    if (!PyUnicode_Check(object))
        raise(PyExc_TypeError, "%s must be str, not %.100s", argument, Py_TYPE(object)->tp_name);
}

template <class Out>
void append_code_points(PyObject* str, Out& out) {
    const int kind = PyUnicode_KIND(str);
    const void* data = PyUnicode_DATA(str);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(str);
    for (Py_ssize_t i = 0; i < n; ++i) out.push_back(static_cast<char32_t>(PyUnicode_READ(kind, data, i)));
}

std::u32string code_points(py::handle word, const char* argument) {
    check_str(word.ptr(), argument);
    std::u32string out;
    out.reserve(static_cast<std::size_t>(PyUnicode_GET_LENGTH(word.ptr())));
    append_code_points(word.ptr(), out);
    return out;
}

// A list of str packed as code points; the buffers count against `site` while they live.
struct PackedInput {
    explicit PackedInput(ledger::Site& site)
        : chars(ledger::Allocator<char32_t>(site)), offsets(1, 0, ledger::Allocator<std::uint64_t>(site)) {}
    ledger::vector<char32_t> chars;
    ledger::vector<std::uint64_t> offsets;
    spell::PackedText view() const { return {chars, offsets}; }
};

PackedInput pack(const FastSequence& seq, const char* argument, ledger::Site& site) {
    PackedInput out(site);
    PyObject* const* items = seq.items();
    std::size_t total = 0;
    for (Py_ssize_t i = 0; i < seq.size(); ++i) {
        if (!PyUnicode_Check(items[i])) {
            raise(PyExc_TypeError, "%s[%zd] must be str, not %.100s", argument, i, Py_TYPE(items[i])->tp_name);
        }
        total += static_cast<std::size_t>(PyUnicode_GET_LENGTH(items[i]));
    }
    out.chars.reserve(total);
    out.offsets.reserve(static_cast<std::size_t>(seq.size()) + 1);
    for (Py_ssize_t i = 0; i < seq.size(); ++i) {
        append_code_points(items[i], out.chars);
        out.offsets.push_back(out.chars.size());
    }
    return out;
}

spell::Metric metric_from(py::handle metric) {
    check_str(metric.ptr(), "metric");
    const std::string name = py::cast<std::string>(metric);
    if (name == "levenshtein") return spell::Metric::levenshtein;
    if (name == "indel") return spell::Metric::indel;
    if (name == "jaro") return spell::Metric::jaro;
    raise(PyExc_ValueError, "metric must be one of levenshtein, indel, jaro, got %R", metric.ptr());
}

// A non-negative int argument (bool is refused: True as a count is a bug).
long long count_from(py::handle value, const char* argument) {
    if (!PyLong_Check(value.ptr()) || PyBool_Check(value.ptr())) {
        raise(PyExc_TypeError, "%s must be int, not %.100s", argument, Py_TYPE(value.ptr())->tp_name);
    }
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
    if (overflow < 0 || (v < 0 && !PyErr_Occurred()))
        raise(PyExc_ValueError, "%s must be >= 0, got %R", argument, value.ptr());
    if (v == -1 && PyErr_Occurred()) throw py::error_already_set();
    return overflow > 0 ? LLONG_MAX : v;
}

spell::SearchOptions options_from(py::handle metric, py::handle max_distance, py::handle min_similarity) {
    spell::SearchOptions options;
    options.metric = metric_from(metric);
    if (!max_distance.is_none()) {
        const long long d = count_from(max_distance, "max_distance");
        options.max_distance = static_cast<int>(std::min<long long>(d, INT_MAX));
    }
    if (!min_similarity.is_none()) {
        PyObject* o = min_similarity.ptr();
        if (PyBool_Check(o) || !(PyFloat_Check(o) || PyLong_Check(o))) {
            raise(PyExc_TypeError, "min_similarity must be float, not %.100s", Py_TYPE(o)->tp_name);
        }
        const double v = PyFloat_AsDouble(o);
        if (v == -1.0 && PyErr_Occurred()) throw py::error_already_set();
        if (std::isnan(v)) raise(PyExc_ValueError, "min_similarity must not be NaN");
        options.min_similarity = v;
    }
    if (options.metric == spell::Metric::levenshtein && options.min_similarity) {
        raise(PyExc_ValueError,
              "min_similarity applies to metric='indel' or 'jaro'; use max_distance with 'levenshtein'");
    }
    if (options.metric != spell::Metric::levenshtein && options.max_distance) {
        raise(PyExc_ValueError,
              "max_distance applies to metric='levenshtein'; use min_similarity with 'indel' or 'jaro'");
    }
    return options;
}

// ---- the index ---------------------------------------------------------------------------

class PySpeller {
public:
    explicit PySpeller(py::handle words) {
        static ledger::Site& site = ledger::site("spell.Speller");
        FastSequence seq(words, "words");
        const PackedInput packed = pack(seq, "words", site);
        {
            GilReleaseIf nogil(seq.size() >= static_cast<Py_ssize_t>(release_gil_from_words));
            core_ = std::make_unique<spell::Speller>(packed.view(), site);
        }
        // The unique words as the caller's own str objects, to hand back without copying.
        words_ = py::list(static_cast<Py_ssize_t>(core_->size()));
        for (std::size_t i = 0; i < core_->size(); ++i) {
            PyObject* item = seq.items()[core_->source_position(i)];
            Py_INCREF(item);
            PyList_SET_ITEM(words_.ptr(), static_cast<Py_ssize_t>(i), item);
        }
    }

    std::size_t size() const noexcept { return core_->size(); }
    std::size_t memory_bytes() const noexcept { return core_->memory_bytes(); }
    py::list words() const { return words_; }

    py::object suggest(py::handle word, py::handle max_distance, py::handle metric, py::handle min_similarity) const {
        static ledger::Site& site = ledger::site("spell.suggest");
        const std::u32string query = code_points(word, "word");
        const spell::SearchOptions options = options_from(metric, max_distance, min_similarity);
        ledger::vector<spell::Hit> hits{ledger::Allocator<spell::Hit>(site)};
        {
            GilReleaseIf nogil(size() >= release_gil_from_words);
            core_->search(query, options, hits);
        }
        if (hits.empty()) return py::none();
        return word_at(hits.front().word);
    }

    py::list suggest_k(py::handle word, py::handle k, py::handle max_distance, py::handle metric,
                       py::handle min_similarity) const {
        static ledger::Site& site = ledger::site("spell.suggest_k");
        const std::u32string query = code_points(word, "word");
        spell::SearchOptions options = options_from(metric, max_distance, min_similarity);
        options.k = static_cast<std::size_t>(std::min<long long>(count_from(k, "k"), static_cast<long long>(size())));
        ledger::vector<spell::Hit> hits{ledger::Allocator<spell::Hit>(site)};
        {
            GilReleaseIf nogil(size() >= release_gil_from_words);
            core_->search(query, options, hits);
        }
        py::list out(static_cast<Py_ssize_t>(hits.size()));
        for (std::size_t i = 0; i < hits.size(); ++i) {
            py::object score = options.metric == spell::Metric::levenshtein
                                   ? py::object(py::int_(hits[i].distance))
                                   : py::object(py::float_(hits[i].similarity));
            PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(i),
                            py::make_tuple(word_at(hits[i].word), score).release().ptr());
        }
        return out;
    }

    py::list suggest_many(py::handle words, py::handle max_distance, py::handle threads, py::handle metric,
                          py::handle min_similarity) const {
        static ledger::Site& site = ledger::site("spell.suggest_many");
        FastSequence seq(words, "words");
        const spell::SearchOptions options = options_from(metric, max_distance, min_similarity);
        unsigned thread_count = 0;  // all cores
        if (!threads.is_none()) {
            const long long t = count_from(threads, "threads");
            if (t == 0) raise(PyExc_ValueError, "threads must be >= 1 (or None for all cores)");
            thread_count = static_cast<unsigned>(std::min<long long>(t, 1024));
        }
        const PackedInput queries = pack(seq, "words", site);
        ledger::vector<spell::Hit> results(static_cast<std::size_t>(seq.size()), spell::Hit{},
                                           ledger::Allocator<spell::Hit>(site));
        {
            GilReleaseIf nogil(true);
            core_->search_many(queries.view(), options, thread_count, results, site);
        }
        py::list out(seq.size());
        for (std::size_t i = 0; i < results.size(); ++i) {
            py::object item = results[i].word == spell::no_word ? py::none() : word_at(results[i].word);
            PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(i), item.release().ptr());
        }
        return out;
    }

private:
    py::object word_at(std::uint32_t i) const {
        return py::reinterpret_borrow<py::object>(PyList_GET_ITEM(words_.ptr(), static_cast<Py_ssize_t>(i)));
    }

    std::unique_ptr<spell::Speller> core_;
    py::list words_;
};

int distance(py::handle a, py::handle b) {
    const std::u32string x = code_points(a, "a"), y = code_points(b, "b");
    GilReleaseIf nogil(x.size() * y.size() >= 1u << 20);
    return spell::levenshtein(x, y);
}

double similarity(py::handle a, py::handle b, py::handle metric) {
    const std::u32string x = code_points(a, "a"), y = code_points(b, "b");
    const spell::Metric m = metric_from(metric);
    GilReleaseIf nogil(x.size() * y.size() >= 1u << 20);
    return spell::similarity(x, y, m);
}

}  // namespace

PYBIND11_MODULE(_spell, m) {
    m.doc() = "Spell checker core: dictionary index and searches (see bridgebench.spell)";
    const py::none none;
    py::class_<PySpeller>(m, "Speller", "A dictionary indexed once for fast nearest-word searches.")
        .def(py::init<py::handle>(), py::arg("words"))
        .def("__len__", &PySpeller::size)
        .def_property_readonly("memory_bytes", &PySpeller::memory_bytes, "Bytes held by the native index")
        .def_property_readonly("words", &PySpeller::words, "The unique words, in dictionary order")
        .def("suggest", &PySpeller::suggest, py::arg("word"), py::kw_only(), py::arg("max_distance") = none,
             py::arg("metric") = "levenshtein", py::arg("min_similarity") = none)
        .def("suggest_k", &PySpeller::suggest_k, py::arg("word"), py::arg("k"), py::kw_only(),
             py::arg("max_distance") = none, py::arg("metric") = "levenshtein", py::arg("min_similarity") = none)
        .def("suggest_many", &PySpeller::suggest_many, py::arg("words"), py::kw_only(), py::arg("max_distance") = none,
             py::arg("threads") = none, py::arg("metric") = "levenshtein", py::arg("min_similarity") = none);
    m.def("distance", &distance, py::arg("a"), py::arg("b"));
    m.def("similarity", &similarity, py::arg("a"), py::arg("b"), py::arg("metric") = "levenshtein");
}
