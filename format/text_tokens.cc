#include "format/text_tokens.h"

#include <xxhash.h>

namespace tally::format {

uint64_t TextHash(absl::string_view bytes, uint64_t seed) {
  return XXH3_64bits_withSeed(bytes.data(), bytes.size(), kTextHashSeed ^ seed);
}

}  // namespace tally::format
