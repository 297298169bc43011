// bridgebench._scrape: the libcurl scraper for Python. Conversion and GIL handling only;
// the fetching is src/scrape's Session, whose loop runs on its own thread.
//
// While the loop works, the calling thread waits with the GIL released, in slices of
// `signal_check_slice`, and between slices runs PyErr_CheckSignals: Ctrl-C raises
// KeyboardInterrupt here, and unwinding destroys the Session, which cancels the loop,
// joins its thread and frees every handle and record.
#include <pybind11/pybind11.h>

#include <chrono>
#include <cmath>
#include <deque>
#include <limits>
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
constexpr std::size_t max_concurrency = 10'000;

// ---- arguments ---------------------------------------------------------------------------

bool is_int(PyObject* o) {
    return PyLong_Check(o) && !PyBool_Check(o);
}

long long int_argument(py::handle value, const char* name, long long minimum, long long maximum) {
    if (!is_int(value.ptr())) raise(PyExc_TypeError, "%s must be int, not %.100s", name, Py_TYPE(value.ptr())->tp_name);
    int overflow = 0;
    const long long v = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
    if (overflow > 0 || v > maximum)
        raise(PyExc_ValueError, "%s must be at most %lld, got %R", name, maximum, value.ptr());
    if (overflow < 0 || v < minimum)
        raise(PyExc_ValueError, "%s must be at least %lld, got %R", name, minimum, value.ptr());
    return v;
}

double seconds_argument(py::handle value, const char* name) {
    PyObject* o = value.ptr();
    if (PyBool_Check(o) || !(PyFloat_Check(o) || PyLong_Check(o))) {
        raise(PyExc_TypeError, "%s must be a number of seconds (float or int), not %.100s", name, Py_TYPE(o)->tp_name);
    }
    const double v = PyFloat_AsDouble(o);
    if (v == -1.0 && PyErr_Occurred()) {
        PyErr_Clear();
        raise(PyExc_ValueError, "%s must be a finite number of seconds > 0, got %R", name, o);
    }
    if (!std::isfinite(v) || v <= 0.0)
        raise(PyExc_ValueError, "%s must be a finite number of seconds > 0, got %R", name, o);
    return v;
}

scrape::Options options_from(py::handle concurrency, py::handle timeout, py::handle connect_timeout,
                             py::handle max_body_bytes, py::handle follow_redirects, py::handle max_redirects,
                             py::handle user_agent) {
    scrape::Options o;
    o.concurrency = static_cast<std::size_t>(int_argument(concurrency, "concurrency", 1, max_concurrency));
    o.timeout = seconds_argument(timeout, "timeout");
    o.connect_timeout = seconds_argument(connect_timeout, "connect_timeout");
    o.max_body_bytes = static_cast<std::size_t>(
        int_argument(max_body_bytes, "max_body_bytes", 0, std::numeric_limits<long long>::max()));
    if (!PyBool_Check(follow_redirects.ptr())) {
        raise(PyExc_TypeError, "follow_redirects must be bool, not %.100s", Py_TYPE(follow_redirects.ptr())->tp_name);
    }
    o.follow_redirects = follow_redirects.ptr() == Py_True;
    o.max_redirects = static_cast<long>(int_argument(max_redirects, "max_redirects", 0, 1000));
    if (!user_agent.is_none()) {
        if (!PyUnicode_Check(user_agent.ptr())) {
            raise(PyExc_TypeError, "user_agent must be str or None, not %.100s", Py_TYPE(user_agent.ptr())->tp_name);
        }
        Py_ssize_t length = 0;
        const char* utf8 = PyUnicode_AsUTF8AndSize(user_agent.ptr(), &length);
        if (utf8 == nullptr) throw py::error_already_set();
        o.user_agent.assign(utf8, static_cast<std::size_t>(length));
    }
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

py::object to_python(const py::object& cls, scrape::Record&& r, const char* site_name) {
    const auto body = r.body_view();
    py::object error = r.ok() ? py::object(py::none()) : py::object(text(r.error));
    py::object site =
        cls(text(r.url), text(r.final_url), text(r.domain), py::int_(r.port), text(r.protocol), py::int_(r.status),
            text(r.server), text(r.content_type), py::bytes(body.data(), static_cast<py::ssize_t>(body.size())),
            py::bool_(r.truncated), py::float_(r.elapsed), error);
    if (bb::canary::enabled("scrape_record")) bb::canary::plant_leak(site_name, body.size() + 64);
    return site;
}

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

py::list scrape_batch(py::handle urls, py::handle concurrency, py::handle timeout, py::handle connect_timeout,
                      py::handle max_body_bytes, py::handle follow_redirects, py::handle max_redirects,
                      py::handle user_agent) {
    static constexpr const char* site_name = "scrape.scrape";
    static ledger::Site& site = ledger::site(site_name);
    const scrape::Options options = options_from(concurrency, timeout, connect_timeout, max_body_bytes,
                                                 follow_redirects, max_redirects, user_agent);
    py::object it = iterator_over(urls);
    std::vector<scrape::Session::Request> requests;
    while (PyObject* raw = PyIter_Next(it.ptr())) {
        auto item = py::reinterpret_steal<py::object>(raw);
        requests.push_back({requests.size(), url_from(item.ptr(), requests.size())});
    }
    if (PyErr_Occurred()) throw py::error_already_set();
    const std::size_t count = requests.size();
    py::list result(count);
    if (count == 0) return result;

    const py::object cls = site_class();
    scrape::Session session(options, site);
    session.submit(std::move(requests));
    session.close_input();
    std::vector<scrape::Completed> batch;
    std::size_t received = 0;
    while (received < count) {
        batch.clear();
        const auto state = wait_some(session, batch);
        for (auto& c : batch) {
            result[c.id] = to_python(cls, std::move(c.record), site_name);
            ++received;
        }
        if (state == scrape::Session::State::finished && batch.empty() && received < count) {
            raise(PyExc_RuntimeError, "scrape loop stopped early: %s", session.failure().c_str());
        }
    }
    return result;
}

// ---- scrape_iter(): the stream -------------------------------------------------------------

class ScrapeIterator {
public:
    ScrapeIterator(py::object urls, const scrape::Options& options)
        : urls_(std::move(urls)),
          window_(std::max<std::size_t>(2 * options.concurrency, 16)),
          cls_(site_class()),
          session_(std::make_unique<scrape::Session>(options, site())) {}

    static ledger::Site& site() {
        static ledger::Site& s = ledger::site(site_name);
        return s;
    }

    py::object next() {
        refuse_if_running("__next__");
        while (true) {
            if (!session_) throw py::stop_iteration();
            top_up();
            if (!ready_.empty()) {
                scrape::Completed c = std::move(ready_.front());
                ready_.pop_front();
                ++yielded_;
                return to_python(cls_, std::move(c.record), site_name);
            }
            std::vector<scrape::Completed> batch;
            scrape::Session::State state;
            try {
                // While the GIL is released another thread could call close() and destroy
                // the session under us; `waiting_` makes that (and a second __next__) an error,
                // as for a generator that is already executing.
                waiting_ = true;
                state = wait_some(*session_, batch);
                waiting_ = false;
            } catch (...) {
                waiting_ = false;
                close();  // Ctrl-C: stop fetching now, not when the iterator is collected
                throw;
            }
            for (auto& c : batch) ready_.push_back(std::move(c));
            if (state == scrape::Session::State::finished && ready_.empty()) {
                const std::string failure = session_->failure();
                close();
                if (!failure.empty()) raise(PyExc_RuntimeError, "scrape loop stopped early: %s", failure.c_str());
                throw py::stop_iteration();
            }
        }
    }

    // The cyclic GC's view (tp_traverse / tp_clear below): the input iterable may refer back
    // to this iterator (a generator whose frame holds it), and such a cycle is only freed if
    // the GC can see the references we hold.
    int traverse(visitproc visit, void* arg) const {
        Py_VISIT(urls_.ptr());
        Py_VISIT(cls_.ptr());
        return 0;
    }

    void clear() {
        // Unreachable, so no __next__ is running: stop fetching and drop our references.
        ready_.clear();
        session_.reset();
        urls_ = py::none();
        cls_ = py::none();
    }

    // Stops the loop and frees everything not yet yielded. Idempotent.
    void close() {
        refuse_if_running("close");
        ready_.clear();
        session_.reset();
        urls_ = py::none();
    }

private:
    static constexpr const char* site_name = "scrape.scrape_iter";

    void refuse_if_running(const char* what) const {
        if (waiting_) raise(PyExc_ValueError, "scrape_iter: %s while the iterator is already executing", what);
    }

    // Keeps at most `window_` URLs submitted but not yet yielded, so memory stays bounded
    // however long the input is.
    void top_up() {
        if (input_done_) return;
        std::vector<scrape::Session::Request> requests;
        while (submitted_ - yielded_ < window_) {
            PyObject* raw = PyIter_Next(urls_.ptr());
            if (raw == nullptr) {
                if (PyErr_Occurred()) {
                    close();
                    throw py::error_already_set();
                }
                input_done_ = true;
                break;
            }
            auto item = py::reinterpret_steal<py::object>(raw);
            try {
                requests.push_back({submitted_, url_from(item.ptr(), submitted_)});
            } catch (...) {
                close();
                throw;
            }
            ++submitted_;
        }
        session_->submit(std::move(requests));
        if (input_done_) session_->close_input();
    }

    py::object urls_;
    std::size_t window_;
    py::object cls_;
    std::unique_ptr<scrape::Session> session_;
    std::deque<scrape::Completed> ready_;
    std::size_t submitted_ = 0;
    std::size_t yielded_ = 0;
    bool input_done_ = false;
    bool waiting_ = false;  // a __next__ is waiting with the GIL released
};

ScrapeIterator* scrape_iter(py::handle urls, py::handle concurrency, py::handle timeout, py::handle connect_timeout,
                            py::handle max_body_bytes, py::handle follow_redirects, py::handle max_redirects,
                            py::handle user_agent) {
    const scrape::Options options = options_from(concurrency, timeout, connect_timeout, max_body_bytes,
                                                 follow_redirects, max_redirects, user_agent);
    return new ScrapeIterator(iterator_over(urls), options);
}

}  // namespace

PYBIND11_MODULE(_scrape, m) {
    m.doc() = "Concurrent scraping on the libcurl multi interface (bridgebench.scrape).";

    py::class_<ScrapeIterator>(m, "ScrapeIterator", "Records as they complete; see scrape_iter.",
                               py::custom_type_setup([](PyHeapTypeObject* heap_type) {
                                   auto* type = &heap_type->ht_type;
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

    const auto defaults = [] {
        return std::make_tuple(py::arg("urls"), py::kw_only(), py::arg("concurrency") = 64, py::arg("timeout") = 10.0,
                               py::arg("connect_timeout") = 5.0, py::arg("max_body_bytes") = 10'485'760,
                               py::arg("follow_redirects") = true, py::arg("max_redirects") = 5,
                               py::arg("user_agent") = py::none());
    };
    std::apply(
        [&](auto... a) {
            m.def("scrape", &scrape_batch, a...,
                  "Fetch every URL concurrently; one Site per URL, in input order. A failing URL gives a "
                  "record with `error` set, never an exception.");
            m.def("scrape_iter", &scrape_iter, a..., py::return_value_policy::take_ownership,
                  "Like scrape, but yields Sites as they complete, with bounded memory; `urls` may be "
                  "any iterable, including a generator.");
        },
        defaults());
    m.attr("DEFAULT_USER_AGENT") = scrape::default_user_agent;
}
