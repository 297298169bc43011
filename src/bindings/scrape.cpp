// bridgebench._scrape: the libcurl scraper for Python. Conversion and GIL handling only;
// the fetching is src/scrape's Session, whose loop runs on its own thread.
//
// While the loop works, the calling thread waits with the GIL released, in slices of
// `signal_check_slice`, and between slices runs PyErr_CheckSignals: Ctrl-C raises
// KeyboardInterrupt here, and unwinding destroys the Session, which cancels the loop,
// joins its thread and frees every handle and record.
//
// Ownership: every URL and option is copied into C++ values as it is read (the strings' UTF-8
// bytes, the options' numbers), before the GIL is released or the input's next iterator step
// runs; the only Python objects kept are strong references (an exact str is immutable).
// Nothing here keeps a borrowed pointer into a Python object across code that can run Python.
#include <pybind11/pybind11.h>

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "canary.hpp"
#include "ledger.hpp"
#include "options.hpp"
#include "python_inputs.hpp"
#include "record.hpp"
#include "session.hpp"

namespace py = pybind11;
namespace ledger = bb::ledger;
namespace scrape = bb::scrape;
using bb::bindings::raise;

namespace {

constexpr std::chrono::milliseconds signal_check_slice{50};

// ---- arguments ---------------------------------------------------------------------------
// The public functions (bridgebench.scrape, a Python facade) check every argument with the rules
// the three implementations share (src/bridgebench_rules/scrape.py) and hand over a checked
// Options object; here its fields are only converted. A direct caller of this private module
// still gets a TypeError or ValueError for bad values, never undefined behaviour:
// scrape::validate is the C++ side's last check.

template <class T>
T option_field(py::handle options, const char* name) {
    py::object value = options.attr(name);
    try {
        return value.cast<T>();
    } catch (const py::cast_error&) {
        raise(PyExc_TypeError, "options.%s has an unusable value: %R", name, value.ptr());
    }
}

scrape::Options options_from(py::handle options) {
    scrape::Options o;
    o.concurrency = option_field<std::size_t>(options, "concurrency");
    o.timeout = option_field<double>(options, "timeout");
    o.connect_timeout = option_field<double>(options, "connect_timeout");
    o.max_body_bytes = option_field<std::size_t>(options, "max_body_bytes");
    o.follow_redirects = option_field<bool>(options, "follow_redirects");
    o.max_redirects = option_field<long>(options, "max_redirects");
    o.user_agent = option_field<std::string>(options, "user_agent");
    o.ca_file = option_field<std::string>(options, "ca_file");
    o.verify = option_field<bool>(options, "verify");
    if (const std::string problem = scrape::validate(o); !problem.empty()) {
        raise(PyExc_ValueError, "%s", problem.c_str());
    }
    return o;
}

py::object iterator_over(py::handle urls) {
    PyObject* o = urls.ptr();
    if (PyUnicode_Check(o) || PyBytes_Check(o) || PyByteArray_Check(o)) {
        // Iterable, but a list of characters is never what the caller meant.
        raise(PyExc_TypeError, "urls must be an iterable of str (a list, say), not a single %.100s",
              Py_TYPE(o)->tp_name);
    }
    PyObject* it = PyObject_GetIter(o);
    if (it == nullptr) {
        PyErr_Clear();
        raise(PyExc_TypeError, "urls must be an iterable of str, not %.100s", Py_TYPE(o)->tp_name);
    }
    return py::reinterpret_steal<py::object>(it);
}

std::string url_from(PyObject* item, std::size_t index) {
    if (!PyUnicode_Check(item)) {
        raise(PyExc_TypeError, "urls[%zu] must be str, not %.100s", index, Py_TYPE(item)->tp_name);
    }
    Py_ssize_t length = 0;
    const char* utf8 = PyUnicode_AsUTF8AndSize(item, &length);
    if (utf8 == nullptr) {
        PyErr_Clear();
        raise(PyExc_UnicodeError, "urls[%zu] cannot be encoded as UTF-8 (lone surrogate)", index);
    }
    return std::string(utf8, static_cast<std::size_t>(length));
}

// ---- records -> Python ---------------------------------------------------------------------

py::object site_class() {
    return py::module_::import("bridgebench.scrape.site").attr("Site");
}

py::str text(const std::string& s) {
    // Header values are bytes on the wire; decode leniently so a stray byte never fails a batch.
    PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
    if (o == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::str>(o);
}

// Builds Site objects from records. Measured on 10,000 small pages, decoding the record's
// strings and pybind11's argument collector were most of the Python thread's cost per record,
// so: the URL object the caller passed is reused for `url` (and for `final_url` when nothing
// changed it), the low-variety fields (domain, protocol, Server, Content-Type) reuse the
// previous record's str when the text is the same, and Site is called with one vectorcall.
class SiteFactory {
public:
    SiteFactory() : cls_(site_class()) {}

    // `url_object`: the caller's str for this record's URL, or an empty handle to decode it.
    py::object make(scrape::Record&& r, py::handle url_object, const char* site_name) {
        const auto body = r.body_view();
        py::object url = url_object ? py::reinterpret_borrow<py::object>(url_object) : py::object(text(r.url));
        py::object final_url = r.final_url == r.url ? url : py::object(text(r.final_url));
        py::object error = r.ok() ? py::object(py::none()) : py::object(text(r.error));
        const py::object fields[] = {
            url,
            final_url,
            domain_.get(r.domain),
            py::int_(r.port),
            protocol_.get(r.protocol),
            py::int_(r.status),
            server_.get(r.server),
            content_type_.get(r.content_type),
            py::bytes(body.data(), static_cast<py::ssize_t>(body.size())),
            py::bool_(r.truncated),
            py::float_(r.elapsed),
            error,
        };
        constexpr std::size_t count = std::size(fields);
        PyObject* args[count];
        for (std::size_t i = 0; i < count; ++i) args[i] = fields[i].ptr();
        PyObject* site = PyObject_Vectorcall(cls_.ptr(), args, count, nullptr);
        if (site == nullptr) throw py::error_already_set();
        if (bb::canary::enabled("scrape_record")) bb::canary::plant_leak(site_name, body.size() + 64);
        return py::reinterpret_steal<py::object>(site);
    }

    // For an owner that takes part in the cyclic GC (ScrapeIterator): the Site class is the one
    // reference here that can be part of a cycle (the cached values are str).
    int traverse(visitproc visit, void* arg) const {
        Py_VISIT(cls_.ptr());
        return 0;
    }
    void clear() { cls_ = py::none(); }

private:
    // The last text seen in one field and its str.
    struct Repeated {
        std::string last;
        py::object value;

        const py::object& get(const std::string& s) {
            if (!value || s != last) {
                value = text(s);
                last = s;
            }
            return value;
        }
    };

    py::object cls_;
    Repeated domain_, protocol_, server_, content_type_;
};

// Waits (GIL released) for the next records; raises KeyboardInterrupt & co. when a signal
// handler says so.
scrape::Session::State wait_some(scrape::Session& session, std::vector<scrape::Completed>& out) {
    scrape::Session::State state;
    {
        py::gil_scoped_release nogil;
        state = session.wait_for(out, signal_check_slice);
    }
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    return state;
}

// ---- scrape(): the batch -------------------------------------------------------------------

py::list scrape_batch(py::handle urls, py::handle checked_options) {
    static constexpr const char* site_name = "scrape.scrape";
    static ledger::Site& site = ledger::site(site_name);
    const scrape::Options options = options_from(checked_options);
    py::object it = iterator_over(urls);
    std::vector<scrape::Session::Request> requests;
    std::vector<py::object> url_objects;  // strong references: reused as the records' `url`
    while (PyObject* raw = PyIter_Next(it.ptr())) {
        auto item = py::reinterpret_steal<py::object>(raw);
        requests.push_back({requests.size(), url_from(item.ptr(), requests.size())});
        url_objects.push_back(PyUnicode_CheckExact(item.ptr()) ? std::move(item) : py::object());
    }
    if (PyErr_Occurred()) throw py::error_already_set();
    const std::size_t count = requests.size();
    py::list result(count);
    if (count == 0) return result;

    SiteFactory factory;
    scrape::Session session(options, site);
    session.submit(std::move(requests));
    session.close_input();
    std::vector<scrape::Completed> batch;
    std::size_t received = 0;
    while (received < count) {
        batch.clear();
        const auto state = wait_some(session, batch);
        for (auto& c : batch) {
            result[c.id] = factory.make(std::move(c.record), url_objects[c.id], site_name);
            ++received;
        }
        if (state == scrape::Session::State::finished && batch.empty() && received < count) {
            raise(PyExc_RuntimeError, "scrape loop stopped early: %s", session.failure().c_str());
        }
    }
    return result;
}

// ---- scrape_iter(): the stream -------------------------------------------------------------

// One consumer at a time, and never freed under a running call. __next__ runs Python code (the
// input's iterator step, building a Site) and releases the GIL while it waits; in those windows
// another thread, or the input generator itself, may call close() or __next__ again. Both mark
// the iterator busy for their whole run and refuse to start while it is busy (ValueError, as a
// generator that is already executing does), so the session, the queued records and the input
// are never freed or re-entered under a running call. Every access happens with the GIL held, so
// a plain flag is enough.
class ScrapeIterator {
public:
    ScrapeIterator(py::object urls, const scrape::Options& options)
        : urls_(std::move(urls)),
          window_(std::max<std::size_t>(2 * options.concurrency, 16)),
          session_(std::make_unique<scrape::Session>(options, site())) {}

    static ledger::Site& site() {
        static ledger::Site& s = ledger::site(site_name);
        return s;
    }

    py::object next() {
        const Busy busy(*this, "__next__");
        try {
            return next_record();
        } catch (py::stop_iteration&) {
            throw;
        } catch (...) {
            shutdown();  // an error (or Ctrl-C) ends the stream: stop fetching now, not at collection
            throw;
        }
    }

    // Stops the loop and frees everything not yet yielded. Idempotent.
    void close() {
        const Busy busy(*this, "close");
        shutdown();
    }

    // The cyclic GC's view (tp_traverse / tp_clear below): the input iterable may refer back
    // to this iterator (a generator whose frame holds it), and such a cycle is only freed if
    // the GC can see the references we hold.
    int traverse(visitproc visit, void* arg) const {
        Py_VISIT(urls_.ptr());
        return factory_.traverse(visit, arg);
    }

    void clear() {
        // Unreachable, so no call can be running; the check only makes that explicit.
        if (busy_) return;
        shutdown();
        factory_.clear();
    }

private:
    static constexpr const char* site_name = "scrape.scrape_iter";

    class Busy {
    public:
        Busy(ScrapeIterator& self, const char* what) : self_(self) {
            if (self_.busy_) raise(PyExc_ValueError, "scrape_iter: %s while the iterator is already executing", what);
            self_.busy_ = true;
        }
        ~Busy() { self_.busy_ = false; }
        Busy(const Busy&) = delete;
        Busy& operator=(const Busy&) = delete;

    private:
        ScrapeIterator& self_;
    };

    py::object next_record() {
        while (true) {
            if (!session_) throw py::stop_iteration();
            top_up();
            if (!ready_.empty()) {
                scrape::Completed c = std::move(ready_.front());
                ready_.pop_front();
                ++yielded_;
                return factory_.make(std::move(c.record), py::handle(), site_name);
            }
            std::vector<scrape::Completed> batch;
            const auto state = wait_some(*session_, batch);
            for (auto& c : batch) ready_.push_back(std::move(c));
            if (state == scrape::Session::State::finished && ready_.empty()) {
                const std::string failure = session_->failure();
                shutdown();
                if (!failure.empty()) raise(PyExc_RuntimeError, "scrape loop stopped early: %s", failure.c_str());
                throw py::stop_iteration();
            }
        }
    }

    void shutdown() {
        ready_.clear();
        session_.reset();
        urls_ = py::none();
    }

    // Keeps at most `window_` URLs submitted but not yet yielded, so memory stays bounded
    // however long the input is.
    void top_up() {
        if (input_done_) return;
        // Our own reference: the iterator step runs Python code.
        const py::object input = urls_;
        std::vector<scrape::Session::Request> requests;
        while (submitted_ - yielded_ < window_) {
            PyObject* raw = PyIter_Next(input.ptr());
            if (raw == nullptr) {
                if (PyErr_Occurred()) throw py::error_already_set();
                input_done_ = true;
                break;
            }
            auto item = py::reinterpret_steal<py::object>(raw);
            requests.push_back({submitted_, url_from(item.ptr(), submitted_)});
            ++submitted_;
        }
        session_->submit(std::move(requests));
        if (input_done_) session_->close_input();
    }

    py::object urls_;
    std::size_t window_;
    SiteFactory factory_;
    std::unique_ptr<scrape::Session> session_;
    std::deque<scrape::Completed> ready_;
    std::size_t submitted_ = 0;
    std::size_t yielded_ = 0;
    bool input_done_ = false;
    bool busy_ = false;  // a __next__ or close() is running (see the class comment)
};

PyObject* refuse_new(PyTypeObject* type, PyObject*, PyObject*) {
    PyErr_Format(PyExc_TypeError, "cannot create '%.100s' instances; scrape_iter() returns them", type->tp_name);
    return nullptr;
}

ScrapeIterator* scrape_iter(py::handle urls, py::handle checked_options) {
    const scrape::Options options = options_from(checked_options);
    return new ScrapeIterator(iterator_over(urls), options);
}

}  // namespace

PYBIND11_MODULE(_scrape, m) {
    m.doc() = "Concurrent scraping on the libcurl multi interface (bridgebench.scrape).";

    py::class_<ScrapeIterator>(m, "ScrapeIterator", "Records as they complete; see scrape_iter.",
                               py::custom_type_setup([](PyHeapTypeObject* heap_type) {
                                   auto* type = &heap_type->ht_type;
                                   // Only scrape_iter() makes one: ScrapeIterator.__new__ (and
                                   // copy.copy, pickle) would give an object with no session.
                                   type->tp_new = refuse_new;
                                   type->tp_flags |= Py_TPFLAGS_HAVE_GC;
                                   type->tp_traverse = [](PyObject* self, visitproc visit, void* arg) {
                                       Py_VISIT(Py_TYPE(self));  // a heap type: instances refer to it
                                       if (!py::detail::is_holder_constructed(self)) return 0;
                                       return py::cast<ScrapeIterator&>(py::handle(self)).traverse(visit, arg);
                                   };
                                   type->tp_clear = [](PyObject* self) {
                                       if (py::detail::is_holder_constructed(self)) {
                                           py::cast<ScrapeIterator&>(py::handle(self)).clear();
                                       }
                                       return 0;
                                   };
                               }))
        .def("__iter__", [](py::object self) { return self; })
        .def("__next__", &ScrapeIterator::next)
        .def("close", &ScrapeIterator::close, "Stop fetching and free everything not yet yielded.")
        .def("__enter__", [](py::object self) { return self; })
        .def("__exit__", [](ScrapeIterator& self, py::args) {
            self.close();
            return false;
        });

    m.def("scrape", &scrape_batch, py::arg("urls"), py::arg("options"),
          "Fetch every URL concurrently; one Site per URL, in input order. `options`: checked options "
          "(bridgebench_rules.scrape.Options). The public function is bridgebench.scrape.scrape.");
    m.def("scrape_iter", &scrape_iter, py::arg("urls"), py::arg("options"), py::return_value_policy::take_ownership,
          "Like scrape, but yields Sites as they complete, with bounded memory; `urls` may be any iterable, "
          "including a generator. The public function is bridgebench.scrape.scrape_iter.");
    m.attr("DEFAULT_USER_AGENT") = scrape::default_user_agent;
    py::tuple words(std::size(scrape::errors::all));
    for (std::size_t i = 0; i < std::size(scrape::errors::all); ++i) {
        const std::string_view w = scrape::errors::all[i];
        words[i] = py::str(w.data(), w.size());
    }
    m.attr("ERROR_WORDS") = words;  // the record's error words, compared with the Python table by a test
    m.attr("MAX_CONCURRENCY") = scrape::max_concurrency;
    m.attr("MAX_REDIRECTS") = scrape::max_redirects_limit;
    m.attr("MAX_BODY_BYTES") = scrape::max_body_bytes_limit;
}
