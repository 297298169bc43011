// bridgebench._spell: the spell checker's index and searches. Conversion (Python str <->
// code points, hits -> Python objects), GIL and signal handling only; the work is in src/spell.
//
// The arguments arrive checked: bridgebench.spell (the facade) applies bridgebench_rules.spell,
// the rules the baseline and the C ABI wrapper apply too, and passes the metric as its C ABI
// code, max_distance < 0 for "no limit" and min_similarity NaN for "no floor". This module still
// refuses anything else cleanly (it is importable on its own), it just does not word the
// messages for users.
//
// Memory safety at the boundary: lists are read through an ItemSnapshot (python_inputs.hpp), so
// no thread can change or free what the GIL-free index build or batch reads; outputs are sized
// from native data; a Speller made by __new__ without __init__ raises TypeError.
//
// Strings are read straight out of CPython's own representation (1, 2 or 4 bytes per code
// point), so no UTF-8 round trip happens on this path.
#include <pybind11/pybind11.h>

#include <chrono>
#include <climits>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "ledger.hpp"
#include "python_inputs.hpp"
#include "speller.hpp"

namespace py = pybind11;
namespace ledger = bb::ledger;
namespace spell = bb::spell;
using bb::bindings::GilReleaseIf;
using bb::bindings::ItemSnapshot;
using bb::bindings::raise;

namespace {

// Below this many dictionary words a search takes less time than the GIL hand-over.
constexpr std::size_t release_gil_from_words = 2048;
// A batch checks for Ctrl-C this often (the goal: noticed within 100 ms).
constexpr std::chrono::milliseconds signal_check_slice{20};

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
    std::size_t size() const noexcept { return offsets.size() - 1; }
    spell::PackedText view() const { return {chars, offsets}; }
};

// Copies the snapshot's strings (no Python code runs here, so the items cannot change).
PackedInput pack(const ItemSnapshot& seq, const char* argument, ledger::Site& site) {
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

// The metric by its C ABI code (bb_spell_metric; bridgebench_rules.spell.Metric.code).
spell::Metric metric_from(int code) {
    switch (code) {
        case 0:
            return spell::Metric::levenshtein;
        case 1:
            return spell::Metric::indel;
        case 2:
            return spell::Metric::jaro;
        case 3:
            return spell::Metric::damerau;
        default:
            raise(PyExc_ValueError, "unknown metric code %d", code);
    }
}

// Word frequencies for the damerau ranking: None, or one int >= 0 per word (checked by the
// facade; larger values than 32 bits hold are clamped).
std::vector<std::uint32_t> frequencies_from(py::handle frequencies, Py_ssize_t words) {
    std::vector<std::uint32_t> out;
    if (frequencies.is_none()) return out;
    const ItemSnapshot seq(frequencies, "frequencies");
    if (seq.size() != words) raise(PyExc_ValueError, "frequencies must have one entry per word");
    out.reserve(static_cast<std::size_t>(words));
    for (Py_ssize_t i = 0; i < seq.size(); ++i) {
        PyObject* item = seq[i];
        if (!PyLong_Check(item)) raise(PyExc_TypeError, "frequencies[%zd] must be int", i);
        int overflow = 0;
        const long long v = PyLong_AsLongLongAndOverflow(item, &overflow);
        if (overflow < 0 || v < 0) raise(PyExc_ValueError, "frequencies[%zd] must be >= 0", i);
        out.push_back(overflow > 0 ? UINT32_MAX : static_cast<std::uint32_t>(std::min<long long>(v, UINT32_MAX)));
    }
    return out;
}

bool ranks_by_distance(spell::Metric metric) {
    return metric == spell::Metric::levenshtein || metric == spell::Metric::damerau;
}

spell::SearchOptions options_from(int metric, long long max_distance, double min_similarity) {
    spell::SearchOptions options;
    options.metric = metric_from(metric);
    if (max_distance >= 0) options.max_distance = static_cast<int>(std::min<long long>(max_distance, INT_MAX));
    if (!std::isnan(min_similarity)) options.min_similarity = min_similarity;
    return options;
}

// ---- Ctrl-C during a batch -----------------------------------------------------------------

// Runs `work(stop_token)` on its own thread while this thread waits with the GIL released, in
// slices of `signal_check_slice`, running the signal handlers between slices. When one raises
// (KeyboardInterrupt), the work is asked to stop and joined before the exception propagates, so
// nothing it uses is freed under it.
template <class Work>
void run_interruptibly(Work work) {
    std::mutex mutex;
    std::condition_variable finished_cv;
    bool finished = false;
    std::exception_ptr failure;
    std::jthread worker([&](std::stop_token stop) {
        try {
            work(stop);
        } catch (...) {
            failure = std::current_exception();
        }
        std::lock_guard lock(mutex);
        finished = true;
        finished_cv.notify_one();
    });
    for (;;) {
        bool done = false;
        {
            py::gil_scoped_release nogil;
            std::unique_lock lock(mutex);
            done = finished_cv.wait_for(lock, signal_check_slice, [&] { return finished; });
        }
        if (done) break;
        if (PyErr_CheckSignals() != 0) {
            py::error_already_set interrupted;  // taken out of the thread state before we wait
            worker.request_stop();
            {
                py::gil_scoped_release nogil;
                worker.join();
            }
            throw interrupted;
        }
    }
    worker.join();
    if (failure) std::rethrow_exception(failure);
}

// ---- the index ---------------------------------------------------------------------------

class PySpeller {
public:
    PySpeller(py::handle words, py::handle frequencies) {
        static ledger::Site& site = ledger::site("spell.Speller");
        const ItemSnapshot seq(words, "words");
        const PackedInput packed = pack(seq, "words", site);
        const std::vector<std::uint32_t> counts = frequencies_from(frequencies, seq.size());
        try {
            GilReleaseIf nogil(seq.size() >= static_cast<Py_ssize_t>(release_gil_from_words));
            core_ = std::make_unique<spell::Speller>(packed.view(), counts, site);
        } catch (const std::length_error& e) {  // a dictionary past the index's limits
            throw py::value_error(std::string("words: ") + e.what());
        }
        // The unique words as the caller's own str objects (held by the snapshot, whatever
        // happened to the caller's list meanwhile), to hand back without copying. A tuple, so
        // nobody can change what word_at() reads.
        words_ = py::tuple(static_cast<Py_ssize_t>(core_->size()));
        for (std::size_t i = 0; i < core_->size(); ++i) {
            PyObject* item = seq.items()[core_->source_position(i)];
            Py_INCREF(item);
            PyTuple_SET_ITEM(words_.ptr(), static_cast<Py_ssize_t>(i), item);
        }
    }

    std::size_t size() const noexcept { return core_->size(); }
    std::size_t memory_bytes() const noexcept { return core_->memory_bytes(); }
    py::list words() const { return py::list(words_); }  // a copy: the caller may change it

    py::object suggest(py::handle word, int metric, long long max_distance, double min_similarity) const {
        static ledger::Site& site = ledger::site("spell.suggest");
        const std::u32string query = code_points(word, "word");
        const spell::SearchOptions options = options_from(metric, max_distance, min_similarity);
        ledger::vector<spell::Hit> hits{ledger::Allocator<spell::Hit>(site)};
        {
            GilReleaseIf nogil(size() >= release_gil_from_words);
            core_->search(query, options, hits);
        }
        if (hits.empty()) return py::none();
        return word_at(hits.front());
    }

    py::list suggest_k(py::handle word, std::size_t k, int metric, long long max_distance,
                       double min_similarity) const {
        static ledger::Site& site = ledger::site("spell.suggest_k");
        const std::u32string query = code_points(word, "word");
        spell::SearchOptions options = options_from(metric, max_distance, min_similarity);
        options.k = std::min(k, size());
        ledger::vector<spell::Hit> hits{ledger::Allocator<spell::Hit>(site)};
        {
            GilReleaseIf nogil(size() >= release_gil_from_words);
            core_->search(query, options, hits);
        }
        py::list out(static_cast<Py_ssize_t>(hits.size()));
        for (std::size_t i = 0; i < hits.size(); ++i) {
            py::object score = ranks_by_distance(options.metric) ? py::object(py::int_(hits[i].distance))
                                                                 : py::object(py::float_(hits[i].similarity));
            PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(i),
                            py::make_tuple(word_at(hits[i]), score).release().ptr());
        }
        return out;
    }

    // `threads` 0: all cores.
    py::list suggest_many(py::handle words, unsigned threads, int metric, long long max_distance,
                          double min_similarity) const {
        static ledger::Site& site = ledger::site("spell.suggest_many");
        const spell::SearchOptions options = options_from(metric, max_distance, min_similarity);
        const PackedInput queries = pack(ItemSnapshot(words, "words"), "words", site);
        ledger::vector<spell::Hit> results(queries.size(), spell::Hit{}, ledger::Allocator<spell::Hit>(site));
        const unsigned thread_count = std::min(threads, max_threads);
        run_interruptibly([&](std::stop_token stop) {
            core_->search_many(queries.view(), options, thread_count, results, site, stop);
        });
        py::list out(static_cast<Py_ssize_t>(results.size()));
        for (std::size_t i = 0; i < results.size(); ++i) {
            py::object item = results[i].word == spell::no_word ? py::none() : word_at(results[i]);
            PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(i), item.release().ptr());
        }
        return out;
    }

private:
    static constexpr unsigned max_threads = 1024;

    // The caller's own str, or a new one when the answer follows the query's capitals.
    py::object word_at(const spell::Hit& hit) const {
        if (hit.casing != static_cast<std::uint8_t>(spell::Casing::as_written)) {
            const std::u32string text = core_->presented(hit);
            PyObject* str =
                PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, text.data(), static_cast<Py_ssize_t>(text.size()));
            if (str == nullptr) throw py::error_already_set();
            return py::reinterpret_steal<py::object>(str);
        }
        return py::reinterpret_borrow<py::object>(PyTuple_GET_ITEM(words_.ptr(), static_cast<Py_ssize_t>(hit.word)));
    }

    std::unique_ptr<spell::Speller> core_;
    py::tuple words_;
};

// A Speller made by Speller.__new__ without __init__ has raw, unconstructed memory where the
// index should be (pybind11 allocates it up front); only the holder flag says whether __init__
// ran. Every method goes through here first.
const PySpeller* constructed(py::handle self) {
    static py::detail::type_info* const type = py::detail::get_type_info(typeid(PySpeller));
    if (!PyObject_TypeCheck(self.ptr(), type->type)) {
        raise(PyExc_TypeError, "expected a Speller, not %.100s", Py_TYPE(self.ptr())->tp_name);
    }
    const auto holder = reinterpret_cast<py::detail::instance*>(self.ptr())->get_value_and_holder(type);
    return holder.holder_constructed() ? holder.value_ptr<PySpeller>() : nullptr;
}

const PySpeller& initialised(py::handle self) {
    const PySpeller* speller = constructed(self);
    if (speller == nullptr) raise(PyExc_TypeError, "Speller is not initialised: create it with Speller(words)");
    return *speller;
}

int distance(py::handle a, py::handle b) {
    const std::u32string x = code_points(a, "a"), y = code_points(b, "b");
    GilReleaseIf nogil(x.size() * y.size() >= 1u << 20);
    return spell::levenshtein(x, y);
}

double similarity(py::handle a, py::handle b, int metric) {
    const std::u32string x = code_points(a, "a"), y = code_points(b, "b");
    const spell::Metric m = metric_from(metric);
    GilReleaseIf nogil(x.size() * y.size() >= 1u << 20);
    return spell::similarity(x, y, m);
}

}  // namespace

PYBIND11_MODULE(_spell, m) {
    m.doc() = "Spell checker core: dictionary index and searches (use bridgebench.spell, which checks arguments)";
    using Self = py::handle;
    py::class_<PySpeller>(m, "Speller", "A dictionary indexed once for fast nearest-word searches.")
        .def(py::init<py::handle, py::handle>(), py::arg("words"), py::kw_only(), py::arg("frequencies") = py::none())
        .def_property_readonly(
            "_initialised", [](Self self) { return constructed(self) != nullptr; },
            "False for an object made without __init__")
        .def("__len__", [](Self self) { return initialised(self).size(); })
        .def_property_readonly(
            "memory_bytes", [](Self self) { return initialised(self).memory_bytes(); },
            "Bytes held by the native index")
        .def_property_readonly(
            "words", [](Self self) { return initialised(self).words(); }, "The unique words, in dictionary order")
        .def(
            "_suggest",
            [](Self self, py::handle word, int metric, long long max_distance, double min_similarity) {
                return initialised(self).suggest(word, metric, max_distance, min_similarity);
            },
            py::arg("word"), py::arg("metric"), py::arg("max_distance"), py::arg("min_similarity"))
        .def(
            "_suggest_k",
            [](Self self, py::handle word, std::size_t k, int metric, long long max_distance, double min_similarity) {
                return initialised(self).suggest_k(word, k, metric, max_distance, min_similarity);
            },
            py::arg("word"), py::arg("k"), py::arg("metric"), py::arg("max_distance"), py::arg("min_similarity"))
        .def(
            "_suggest_many",
            [](Self self, py::handle words, unsigned threads, int metric, long long max_distance,
               double min_similarity) {
                return initialised(self).suggest_many(words, threads, metric, max_distance, min_similarity);
            },
            py::arg("words"), py::arg("threads"), py::arg("metric"), py::arg("max_distance"),
            py::arg("min_similarity"));
    m.def("distance", &distance, py::arg("a"), py::arg("b"));
    m.def("similarity", &similarity, py::arg("a"), py::arg("b"), py::arg("metric"));
}
