// Turns C++ failures into bb_status + a thread-local message: no exception crosses extern "C".
#pragma once

#include <cstddef>
#include <new>
#include <stdexcept>
#include <string>

#include "bridgebench/common.h"

namespace bb::capi {

// An error with a status and, optionally, the index of the offending element.
struct Error : std::runtime_error {
    Error(bb_status s, const std::string& message, std::size_t element = SIZE_MAX)
        : std::runtime_error(message), status(s), index(element) {}
    bb_status status;
    std::size_t index;
};

void set_error(bb_status status, const char* message, std::size_t index = SIZE_MAX) noexcept;
void clear_error() noexcept;

// Runs `body` (which returns bb_status) and converts any exception.
template <class Body>
bb_status guarded(Body&& body) noexcept {
    try {
        clear_error();
        return body();
    } catch (const Error& e) {
        set_error(e.status, e.what(), e.index);
        return e.status;
    } catch (const std::bad_alloc&) {
        set_error(BB_ERR_NO_MEMORY, "out of memory");
        return BB_ERR_NO_MEMORY;
    } catch (const std::exception& e) {
        set_error(BB_ERR_INTERNAL, e.what());
        return BB_ERR_INTERNAL;
    } catch (...) {
        set_error(BB_ERR_INTERNAL, "unknown C++ exception");
        return BB_ERR_INTERNAL;
    }
}

}  // namespace bb::capi
