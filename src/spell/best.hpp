// Keeping the k best of a stream: one helper for every search that ranks (distances,
// similarities, the default ranking's scores).
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace bb::spell {

// Keeps the k best items in `heap` (the worst kept on top, under `better`); true when the
// item was kept. std::sort_heap(heap, better) then orders them best first.
template <class T, class Better>
bool keep_best(std::vector<T>& heap, const T& item, std::size_t k, Better better) {
    if (heap.size() == k) {
        if (k == 0 || !better(item, heap.front())) return false;
        std::pop_heap(heap.begin(), heap.end(), better);
        heap.back() = item;
    } else {
        heap.push_back(item);
    }
    std::push_heap(heap.begin(), heap.end(), better);
    return true;
}

}  // namespace bb::spell
