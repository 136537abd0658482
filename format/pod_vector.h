// PodVector<T>: a growable array of trivially copyable values whose growth does not
// zero-fill (std::vector would), so decoders can write straight into it.
//
// Not thread-safe; a value type (copying copies the elements).
#ifndef TALLY_FORMAT_POD_VECTOR_H_
#define TALLY_FORMAT_POD_VECTOR_H_

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <new>
#include <type_traits>
#include <utility>

#include "absl/types/span.h"

namespace tally::format {

template <typename T>
class PodVector {
  static_assert(std::is_trivially_copyable_v<T>, "PodVector holds trivially copyable values");

 public:
  PodVector() = default;
  explicit PodVector(size_t n) { resize(n); }
  PodVector(std::initializer_list<T> values) {
    reserve(values.size());
    for (const T& v : values) push_back(v);
  }
  PodVector(const PodVector& other) { assign(other.data(), other.size()); }
  PodVector(PodVector&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)),
        size_(std::exchange(other.size_, 0)),
        capacity_(std::exchange(other.capacity_, 0)) {}
  PodVector& operator=(const PodVector& other) {
    if (this != &other) assign(other.data(), other.size());
    return *this;
  }
  PodVector& operator=(PodVector&& other) noexcept {
    if (this != &other) {
      std::free(data_);
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
      capacity_ = std::exchange(other.capacity_, 0);
    }
    return *this;
  }
  ~PodVector() { std::free(data_); }

  T* data() { return data_; }
  const T* data() const { return data_; }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  bool empty() const { return size_ == 0; }
  size_t size_bytes() const { return size_ * sizeof(T); }

  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  T& back() { return data_[size_ - 1]; }
  const T& back() const { return data_[size_ - 1]; }

  absl::Span<const T> span() const { return absl::Span<const T>(data_, size_); }
  absl::Span<T> mutable_span() { return absl::Span<T>(data_, size_); }

  void clear() { size_ = 0; }

  void reserve(size_t n) {
    if (n <= capacity_) return;
    size_t cap = capacity_ == 0 ? 16 : capacity_;
    while (cap < n) cap *= 2;
    void* p = std::realloc(data_, cap * sizeof(T));
    if (p == nullptr) throw std::bad_alloc();
    data_ = static_cast<T*>(p);
    capacity_ = cap;
  }

  // Grows without initialising the new elements.
  void resize(size_t n) {
    reserve(n);
    size_ = n;
  }
  void resize(size_t n, T fill) {
    size_t old = size_;
    resize(n);
    for (size_t i = old; i < n; ++i) data_[i] = fill;
  }

  void push_back(T v) {
    if (size_ == capacity_) reserve(size_ + 1);
    data_[size_++] = v;
  }

  void append(const T* values, size_t n) {
    if (n == 0) return;
    reserve(size_ + n);
    std::memcpy(data_ + size_, values, n * sizeof(T));
    size_ += n;
  }
  void append(absl::Span<const T> values) { append(values.data(), values.size()); }

  void assign(const T* values, size_t n) {
    size_ = 0;
    append(values, n);
  }

  bool operator==(const PodVector& other) const {
    return size_ == other.size_ && (size_ == 0 || std::memcmp(data_, other.data_, size_bytes()) == 0);
  }

 private:
  T* data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace tally::format

#endif  // TALLY_FORMAT_POD_VECTOR_H_
