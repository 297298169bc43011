/* bridgebench C ABI: the spell checker (a suggestion struct holding the word
 * and its likelihood, and its free function), with the usual ctypes pitfalls avoided: explicit
 * lengths, UTF-8 validated, duplicates and ties defined, and one free function per result.
 *
 * A speller is an index built once from a dictionary and then searched many times; it is
 * immutable, so one speller may be searched from many threads at once. bb_speller_free may be
 * called while other threads are still searching it: the handle is refused to calls that start
 * afterwards (BB_ERR_INVALID_ARGUMENT, "already freed"), and the index itself is freed when the
 * last running call returns. A call that *starts* after bb_speller_free has returned uses a
 * dangling pointer: that stays the caller's bug (detected on a best-effort basis).
 */
#ifndef BRIDGEBENCH_SPELL_H
#define BRIDGEBENCH_SPELL_H

#include "bridgebench/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bb_spell_metric BB_ENUM_BASE {
    BB_SPELL_LEVENSHTEIN = 0, /* rank by distance, smaller is better; max_distance applies */
    BB_SPELL_INDEL = 1,       /* rank by 1 - indel / (len(a) + len(b)); min_similarity applies */
    BB_SPELL_JARO = 2,        /* rank by Jaro similarity; min_similarity applies */
    BB_SPELL_DAMERAU = 3      /* the ranking people expect (docs/spell.md): transpositions are one edit, case is
                                 ignored and restored, typing cost and word frequency order near ties;
                                 max_distance applies */
} bb_spell_metric;

/* Opaque index. Create with bb_speller_create, free with bb_speller_free. */
typedef struct bb_speller bb_speller;

typedef struct bb_spell_suggestion {
    char* word;         /* UTF-8, NUL-terminated too; NULL when nothing qualified */
    size_t word_length; /* bytes, without the NUL (a word may itself contain NUL) */
    double likelihood;  /* the word's similarity to the query under the metric (0 when none) */
    int64_t distance;   /* levenshtein, damerau: the distance; indel: the indel distance; jaro: -1 */
    size_t index;       /* the word's first position in the dictionary; SIZE_MAX when none */
} bb_spell_suggestion;

typedef struct bb_spell_suggestions {
    size_t count;
    bb_spell_suggestion* items; /* best first; ties in dictionary order */
} bb_spell_suggestions;

/* Builds an index from `count` UTF-8 words packed as in bb_string_array (word i is
 * bytes[offsets[i], offsets[i + 1]); offsets has count + 1 entries, offsets[0] == 0).
 * Duplicates count once, at their first position. BB_ERR_INVALID_ARGUMENT (with
 * bb_last_error_index) for invalid UTF-8. Free the result with bb_speller_free. */
bb_status bb_speller_create(const uint64_t* offsets, const char* bytes, size_t count, bb_speller** out);
/* The same with word frequencies for the BB_SPELL_DAMERAU ranking: NULL, or `count` values
 * (Zipf x 100 in the bundled list; larger is more frequent). */
bb_status bb_speller_create_ranked(const uint64_t* offsets, const char* bytes, size_t count,
                                   const uint32_t* frequencies, bb_speller** out);
void bb_speller_free(bb_speller* speller);
/* Unique words in the index. */
size_t bb_speller_size(const bb_speller* speller);
/* Bytes held by the index. */
size_t bb_speller_memory_bytes(const bb_speller* speller);

/* The best word for `word` (UTF-8, `length` bytes). max_distance < 0 means no limit (only
 * for levenshtein); min_similarity is ignored when NaN (only for indel and jaro). When no
 * word qualifies the suggestion has word == NULL. Free it with bb_free_spell_suggestion. */
bb_status bb_spell_suggest(const bb_speller* speller, const char* word, size_t length, bb_spell_metric metric,
                           int64_t max_distance, double min_similarity, bb_spell_suggestion** out);
/* The k best. Free the result with bb_free_spell_suggestions. */
bb_status bb_spell_suggest_k(const bb_speller* speller, const char* word, size_t length, size_t k,
                             bb_spell_metric metric, int64_t max_distance, double min_similarity,
                             bb_spell_suggestions** out);

/* Levenshtein distance and the normalised similarity of two UTF-8 strings. */
bb_status bb_spell_distance(const char* a, size_t a_length, const char* b, size_t b_length, int64_t* out);
bb_status bb_spell_similarity(const char* a, size_t a_length, const char* b, size_t b_length, bb_spell_metric metric,
                              double* out);

void bb_free_spell_suggestion(bb_spell_suggestion* suggestion);
void bb_free_spell_suggestions(bb_spell_suggestions* suggestions);

#ifdef __cplusplus
}
#endif
#endif
