#include "filter.hpp"

#include <bit>

#if defined(__x86_64__) && defined(__gnu_linux__) && (defined(__GNUC__) || defined(__clang__))
#define BB_SPELL_X86 1
#include <immintrin.h>
#endif

namespace bb::spell {

namespace {

// Portable loops. Both tests are always evaluated (& not &&) and the index is written
// unconditionally and kept conditionally, so the loop has no branch to mispredict.
#ifdef BB_SPELL_X86
// x86-64 CPUs before 2008 lack POPCNT: build this loop with and without it, and let the
// dynamic loader pick (GCC and Clang, glibc ifunc).
__attribute__((target_clones("popcnt", "default")))
#endif
std::size_t
sides_scalar(const std::uint64_t* signatures, std::uint32_t begin, std::uint32_t end, std::uint64_t query,
             int query_only, int word_only, std::uint32_t* out) noexcept {
    std::size_t n = 0;
    for (std::uint32_t e = begin; e < end; ++e) {
        const std::uint64_t w = signatures[e];
        const unsigned keep = static_cast<unsigned>(std::popcount(query & ~w) <= query_only) &
                              static_cast<unsigned>(std::popcount(w & ~query) <= word_only);
        out[n] = e;
        n += keep;
    }
    return n;
}

#ifdef BB_SPELL_X86
__attribute__((target_clones("popcnt", "default")))
#endif
std::size_t
xor_scalar(const std::uint64_t* signatures, std::uint32_t begin, std::uint32_t end, std::uint64_t query, int differing,
           std::uint32_t* out) noexcept {
    std::size_t n = 0;
    for (std::uint32_t e = begin; e < end; ++e) {
        out[n] = e;
        n += static_cast<unsigned>(std::popcount(query ^ signatures[e]) <= differing);
    }
    return n;
}

#ifdef BB_SPELL_X86
// AVX2 has no 64-bit popcount instruction; the nibble-table method (vpshufb + vpsadbw)
// counts four signatures at once.
__attribute__((target("avx2"))) inline __m256i popcount4(__m256i v) {
    const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2,
                                           2, 3, 2, 3, 3, 4);
    const __m256i nibble = _mm256_set1_epi8(0x0F);
    const __m256i low = _mm256_shuffle_epi8(table, _mm256_and_si256(v, nibble));
    const __m256i high = _mm256_shuffle_epi8(table, _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble));
    return _mm256_sad_epu8(_mm256_add_epi8(low, high), _mm256_setzero_si256());
}

// Appends begin + i for every lane i whose bit in `keep` is set.
inline std::size_t emit(std::uint32_t* out, std::size_t n, std::uint32_t first, unsigned keep) noexcept {
    for (unsigned lane = 0; lane < 4; ++lane) {
        out[n] = first + lane;
        n += (keep >> lane) & 1u;
    }
    return n;
}

__attribute__((target("avx2"))) std::size_t sides_avx2(const std::uint64_t* signatures, std::uint32_t begin,
                                                       std::uint32_t end, std::uint64_t query, int query_only,
                                                       int word_only, std::uint32_t* out) noexcept {
    const __m256i q = _mm256_set1_epi64x(static_cast<long long>(query));
    const __m256i q_limit = _mm256_set1_epi64x(query_only);
    const __m256i w_limit = _mm256_set1_epi64x(word_only);
    std::size_t n = 0;
    std::uint32_t e = begin;
    for (; e + 4 <= end; e += 4) {
        const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(signatures + e));
        const __m256i q_only = popcount4(_mm256_andnot_si256(w, q));  // query & ~word
        const __m256i w_only = popcount4(_mm256_andnot_si256(q, w));  // word & ~query
        const __m256i reject =
            _mm256_or_si256(_mm256_cmpgt_epi64(q_only, q_limit), _mm256_cmpgt_epi64(w_only, w_limit));
        const unsigned keep = ~static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(reject))) & 0xFu;
        n = emit(out, n, e, keep);
    }
    return n + sides_scalar(signatures, e, end, query, query_only, word_only, out + n);
}

__attribute__((target("avx2"))) std::size_t xor_avx2(const std::uint64_t* signatures, std::uint32_t begin,
                                                     std::uint32_t end, std::uint64_t query, int differing,
                                                     std::uint32_t* out) noexcept {
    const __m256i q = _mm256_set1_epi64x(static_cast<long long>(query));
    const __m256i limit = _mm256_set1_epi64x(differing);
    std::size_t n = 0;
    std::uint32_t e = begin;
    for (; e + 4 <= end; e += 4) {
        const __m256i w = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(signatures + e));
        const __m256i reject = _mm256_cmpgt_epi64(popcount4(_mm256_xor_si256(w, q)), limit);
        const unsigned keep = ~static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(reject))) & 0xFu;
        n = emit(out, n, e, keep);
    }
    return n + xor_scalar(signatures, e, end, query, differing, out + n);
}

// AVX-512 with its own 64-bit popcount: eight signatures a step, and the kept indices
// packed by one compress instead of a lane-by-lane loop. Stores all eight lanes at out + n,
// within the room the caller gives (n <= e - begin and e + 8 <= end).
__attribute__((target("avx512f,avx512vl,avx512vpopcntdq,popcnt"))) std::size_t sides_avx512(
    const std::uint64_t* signatures, std::uint32_t begin, std::uint32_t end, std::uint64_t query, int query_only,
    int word_only, std::uint32_t* out) noexcept {
    const __m512i q = _mm512_set1_epi64(static_cast<long long>(query));
    const __m512i q_limit = _mm512_set1_epi64(query_only);
    const __m512i w_limit = _mm512_set1_epi64(word_only);
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    std::size_t n = 0;
    std::uint32_t e = begin;
    for (; e + 8 <= end; e += 8) {
        const __m512i w = _mm512_loadu_si512(signatures + e);
        const __m512i both = _mm512_and_si512(q, w);  // (and-not trips a GCC 12 warning)
        const __mmask8 q_fits = _mm512_cmple_epi64_mask(_mm512_popcnt_epi64(_mm512_xor_si512(q, both)), q_limit);
        const __mmask8 keep =
            _mm512_mask_cmple_epi64_mask(q_fits, _mm512_popcnt_epi64(_mm512_xor_si512(w, both)), w_limit);
        const __m256i entries = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(e)), lanes);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + n), _mm256_maskz_compress_epi32(keep, entries));
        n += static_cast<std::size_t>(std::popcount(static_cast<unsigned>(keep)));
    }
    return n + sides_scalar(signatures, e, end, query, query_only, word_only, out + n);
}
#endif

bool runs(FilterBuild build) noexcept {
#ifdef BB_SPELL_X86
    static const bool avx2 = __builtin_cpu_supports("avx2");
    static const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
                               __builtin_cpu_supports("avx512vpopcntdq");
    switch (build) {
        case FilterBuild::portable:
            return true;
        case FilterBuild::avx2:
            return avx2;
        case FilterBuild::avx512:
            return avx512;
    }
    return false;
#else
    return build == FilterBuild::portable;
#endif
}

FilterBuild fastest() noexcept {
    static const FilterBuild best = runs(FilterBuild::avx512) ? FilterBuild::avx512
                                    : runs(FilterBuild::avx2) ? FilterBuild::avx2
                                                              : FilterBuild::portable;
    return best;
}

}  // namespace

#ifdef BB_SPELL_X86
__attribute__((target_clones("popcnt", "default")))
#endif
int signature_lower_bound(std::uint64_t query, std::uint64_t query_twice, std::uint64_t word,
                          std::uint64_t word_twice, int query_extra, int word_extra) noexcept {
    const int query_only = std::popcount(query & ~word) + std::popcount(query_twice & ~word_twice) + query_extra;
    const int word_only = std::popcount(word & ~query) + std::popcount(word_twice & ~query_twice) + word_extra;
    return query_only > word_only ? query_only : word_only;
}

#ifdef BB_SPELL_X86
__attribute__((target_clones("popcnt", "default")))
#endif
std::size_t
filter_two_level(const std::uint64_t* signatures, const std::uint32_t* repeat_signatures, const TwoLevelQuery& query,
                 int bound, std::uint32_t* entries, std::size_t count) noexcept {
    std::size_t n = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint32_t e = entries[i];
        const std::uint64_t w = signatures[e], w2 = repeat_signatures[e];
        const int query_only =
            std::popcount(query.signature & ~w) + std::popcount(query.repeats & ~w2) + query.query_extra;
        const int word_only =
            std::popcount(w & ~query.signature) + std::popcount(w2 & ~query.repeats) + query.word_extra;
        entries[n] = e;
        n += static_cast<unsigned>(query_only <= bound) & static_cast<unsigned>(word_only <= bound);
    }
    return n;
}

bool filter_build_runs(FilterBuild build) noexcept {
    return runs(build);
}

std::size_t filter_sides(const std::uint64_t* signatures, std::uint32_t begin, std::uint32_t end, std::uint64_t query,
                         int query_only, int word_only, std::uint32_t* out) noexcept {
    return filter_sides_with(fastest(), signatures, begin, end, query, query_only, word_only, out);
}

std::size_t filter_sides_with(FilterBuild build, const std::uint64_t* signatures, std::uint32_t begin,
                              std::uint32_t end, std::uint64_t query, int query_only, int word_only,
                              std::uint32_t* out) noexcept {
#ifdef BB_SPELL_X86
    if (build == FilterBuild::avx512) return sides_avx512(signatures, begin, end, query, query_only, word_only, out);
    if (build == FilterBuild::avx2) return sides_avx2(signatures, begin, end, query, query_only, word_only, out);
#endif
    return sides_scalar(signatures, begin, end, query, query_only, word_only, out);
}

std::size_t filter_xor(const std::uint64_t* signatures, std::uint32_t begin, std::uint32_t end, std::uint64_t query,
                       int differing, std::uint32_t* out) noexcept {
#ifdef BB_SPELL_X86
    if (runs(FilterBuild::avx2)) return xor_avx2(signatures, begin, end, query, differing, out);
#endif
    return xor_scalar(signatures, begin, end, query, differing, out);
}

}  // namespace bb::spell
