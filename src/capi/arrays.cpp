// extern "C" array round trips: owning result structs (ctypes-friendly), one free function each.
#include "bridgebench/arrays.h"

#include <cstring>
#include <span>
#include <string>

#include "arrays.hpp"
#include "canary.hpp"
#include "errors.hpp"
#include "packed_strings.hpp"
#include "result_block.hpp"

namespace {

using bb::capi::Error;

void require_data(const void* data, size_t count, const char* argument) {
    if (data == nullptr && count != 0) {
        throw Error(BB_ERR_INVALID_ARGUMENT, std::string(argument) + " is NULL but count is not 0");
    }
}

// Copies a numeric span into a freshly allocated result of type Result{count, T* data}.
template <class Result, class T>
Result* numeric_result(bb::ledger::Site& site, std::span<const T> values) {
    if (values.size() > SIZE_MAX / sizeof(T)) throw std::bad_alloc();
    auto* result = bb::capi::new_result<Result>(site, values.size() * sizeof(T));
    result->count = values.size();
    result->data = static_cast<T*>(bb::capi::payload_of(result));
    if (!values.empty()) std::memcpy(result->data, values.data(), values.size() * sizeof(T));
    return result;
}

// The canary for this path: a result-sized block counted against the same site and lost.
void maybe_plant_capi_canary(const char* site_name, size_t bytes) {
    if (bb::canary::enabled("capi_result")) bb::canary::plant_leak(site_name, bytes + 1);
}

template <class Result, class T>
bb_status roundtrip_numeric(const char* site_name, const T* data, size_t count, Result** out) {
    return bb::capi::guarded([&] {
        if (out == nullptr) throw Error(BB_ERR_INVALID_ARGUMENT, "out is NULL");
        *out = nullptr;
        require_data(data, count, "data");
        bb::ledger::Site& site = bb::ledger::site(site_name);  // one map lookup; cheap next to the copy
        *out = numeric_result<Result>(site, std::span<const T>(data, count));
        maybe_plant_capi_canary(site_name, count * sizeof(T));
        return BB_OK;
    });
}

}  // namespace

extern "C" {

bb_status bb_roundtrip_int64(const int64_t* data, size_t count, bb_int64_array** out) {
    return roundtrip_numeric("capi.bb_roundtrip_int64", data, count, out);
}

bb_status bb_roundtrip_double(const double* data, size_t count, bb_double_array** out) {
    return roundtrip_numeric("capi.bb_roundtrip_double", data, count, out);
}

bb_status bb_roundtrip_float32(const double* data, size_t count, bb_float32_array** out) {
    return bb::capi::guarded([&] {
        if (out == nullptr) throw Error(BB_ERR_INVALID_ARGUMENT, "out is NULL");
        *out = nullptr;
        require_data(data, count, "data");
        const std::span<const double> values(data, count);
        if (auto bad = bb::arrays::first_float32_overflow(values)) {
            throw Error(BB_ERR_OVERFLOW, "value too large for float32", *bad);
        }
        static bb::ledger::Site& site = bb::ledger::site("capi.bb_roundtrip_float32");
        auto* result = bb::capi::new_result<bb_float32_array>(site, count * sizeof(float));
        result->count = count;
        result->data = static_cast<float*>(bb::capi::payload_of(result));
        for (size_t i = 0; i < count; ++i) result->data[i] = static_cast<float>(values[i]);
        *out = result;
        maybe_plant_capi_canary("capi.bb_roundtrip_float32", count * sizeof(float));
        return BB_OK;
    });
}

bb_status bb_roundtrip_strings(const uint64_t* offsets, const char* bytes, size_t count, bb_string_array** out) {
    return bb::capi::guarded([&] {
        if (out == nullptr) throw Error(BB_ERR_INVALID_ARGUMENT, "out is NULL");
        *out = nullptr;
        const uint64_t total = bb::capi::check_packed_strings(offsets, bytes, count);
        if (count + 1 > SIZE_MAX / sizeof(uint64_t) || total > SIZE_MAX - (count + 1) * sizeof(uint64_t)) {
            throw std::bad_alloc();
        }
        static bb::ledger::Site& site = bb::ledger::site("capi.bb_roundtrip_strings");
        const size_t offset_bytes = (count + 1) * sizeof(uint64_t);
        auto* result = bb::capi::new_result<bb_string_array>(site, offset_bytes + total);
        result->count = count;
        result->offsets = static_cast<uint64_t*>(bb::capi::payload_of(result));
        result->bytes = reinterpret_cast<char*>(result->offsets) + offset_bytes;
        std::memcpy(result->offsets, offsets, offset_bytes);
        if (total != 0) std::memcpy(result->bytes, bytes, total);
        *out = result;
        maybe_plant_capi_canary("capi.bb_roundtrip_strings", total);
        return BB_OK;
    });
}

void bb_free_int64_array(bb_int64_array* array) {
    bb::capi::free_result(array, "bb_free_int64_array");
}
void bb_free_double_array(bb_double_array* array) {
    bb::capi::free_result(array, "bb_free_double_array");
}
void bb_free_float32_array(bb_float32_array* array) {
    bb::capi::free_result(array, "bb_free_float32_array");
}
void bb_free_string_array(bb_string_array* array) {
    bb::capi::free_result(array, "bb_free_string_array");
}

}  // extern "C"
