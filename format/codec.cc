#include "format/codec.h"

#include <cctype>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "format/codec_table.h"
#include "format/coding.h"
#include "format/status_macros.h"

namespace tally::format {
namespace {

// Per-thread scratch buffers for intermediate stages keep their capacity between calls
// up to this size; a larger one (left by a huge stream) is released at the next call.
constexpr size_t kScratchKeepBytes = size_t{64} << 20;

// Checks a chain that is about to be used. Errors carry `bad_code` (InvalidArgument for
// chains from callers, DataLoss for chains read from disk), except unknown ids read from
// disk, which are Unimplemented: a newer tally wrote them.
absl::Status CheckChain(const CodecChain& chain, absl::StatusCode bad_code, bool from_disk) {
  auto bad = [&](absl::string_view why) { return absl::Status(bad_code, why); };
  if (chain.empty()) return bad("empty codec chain");
  if (chain.size() > kMaxCodecChainLength) {
    return bad(absl::StrCat("codec chain of ", chain.size(), " codecs (at most ",
                            kMaxCodecChainLength, "): ", CodecChainToString(chain)));
  }
  for (const CodecSpec& spec : chain) {
    const CodecInfo* info = FindCodec(spec.id);
    if (info == nullptr) {
      std::string why = absl::StrCat("unknown codec id ", static_cast<int>(spec.id));
      if (from_disk) return absl::UnimplementedError(absl::StrCat(why, " (newer format?)"));
      return bad(why);
    }
    if (spec.id == CodecId::kNone && chain.size() > 1) {
      return bad(absl::StrCat("None cannot be combined with other codecs: ",
                              CodecChainToString(chain)));
    }
    if (!info->param_ok(spec.param)) {
      return bad(absl::StrCat(CodecSpecToString(spec), ": ", info->param_rule));
    }
  }
  return absl::OkStatus();
}

absl::Status Prefixed(absl::string_view what, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(what, ": ", status.message()));
}

// The upper bound on the size of every stage's input when encoding, from the raw size:
// bounds[k] limits what codec k - 1 may claim to decode to.
absl::InlinedVector<size_t, 4> StageBounds(const CodecChain& chain, size_t raw_size) {
  absl::InlinedVector<size_t, 4> bounds(chain.size());
  bounds[0] = raw_size;
  for (size_t k = 1; k < chain.size(); ++k) {
    bounds[k] = FindCodec(chain[k - 1].id)->max_encoded_bytes(chain[k - 1].param, bounds[k - 1]);
  }
  return bounds;
}

// --- CODEC(...) text. ---

class ChainParser {
 public:
  explicit ChainParser(absl::string_view text) : text_(text) {}

  absl::StatusOr<CodecChain> Parse() {
    CodecChain chain;
    SkipSpace();
    if (pos_ == text_.size()) return Error("empty codec list");
    while (true) {
      TALLY_ASSIGN_OR_RETURN(CodecSpec spec, ParseOne());
      chain.push_back(spec);
      if (chain.size() > kMaxCodecChainLength) {
        return Error(absl::StrCat("more than ", kMaxCodecChainLength, " codecs"));
      }
      SkipSpace();
      if (pos_ == text_.size()) return chain;
      if (text_[pos_] != ',') return Error(absl::StrCat("expected ',' at position ", pos_));
      ++pos_;
    }
  }

 private:
  absl::StatusOr<CodecSpec> ParseOne() {
    SkipSpace();
    size_t start = pos_;
    while (pos_ < text_.size() && std::isalnum(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    absl::string_view name = text_.substr(start, pos_ - start);
    if (name.empty()) return Error(absl::StrCat("expected a codec name at position ", start));
    const CodecInfo* info = nullptr;
    for (const CodecInfo& candidate : AllCodecs()) {
      if (absl::EqualsIgnoreCase(candidate.name, name)) info = &candidate;
    }
    if (info == nullptr) return Error(absl::StrCat("unknown codec '", name, "'"));
    SkipSpace();
    bool has_param = false;
    int param = 0;
    if (pos_ < text_.size() && text_[pos_] == '(') {
      ++pos_;
      SkipSpace();
      size_t digits = pos_;
      while (pos_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_])) &&
             param <= 255) {
        param = param * 10 + (text_[pos_++] - '0');
      }
      if (pos_ == digits) return Error(absl::StrCat(info->name, ": expected a number"));
      if (param > 255) return Error(absl::StrCat(info->name, ": parameter out of range"));
      SkipSpace();
      if (pos_ == text_.size() || text_[pos_] != ')') {
        return Error(absl::StrCat(info->name, ": expected ')'"));
      }
      ++pos_;
      has_param = true;
    }
    absl::string_view item = text_.substr(start, pos_ - start);
    CodecSpec spec{info->id, static_cast<uint8_t>(param)};
    if (info->id == CodecId::kZstd && param == 0) spec.param = 1;  // ZSTD, ZSTD(0): level 1
    if (has_param && !info->param_ok(spec.param)) {
      return Error(absl::StrCat(item, ": ", info->param_rule));
    }
    return spec;
  }

  void SkipSpace() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  absl::Status Error(absl::string_view why) const {
    return absl::InvalidArgumentError(absl::StrCat("CODEC(", text_, "): ", why));
  }

  absl::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

std::string CodecSpecToString(const CodecSpec& spec) {
  const CodecInfo* info = FindCodec(spec.id);
  if (info == nullptr) {
    return absl::StrCat("Codec#", static_cast<int>(spec.id), "(", static_cast<int>(spec.param),
                        ")");
  }
  if (spec.param == 0) return std::string(info->name);  // None, or a width still to fill in
  return absl::StrCat(info->name, "(", static_cast<int>(spec.param), ")");
}

std::string CodecChainToString(const CodecChain& chain) {
  return absl::StrJoin(chain, ", ", [](std::string* out, const CodecSpec& spec) {
    out->append(CodecSpecToString(spec));
  });
}

absl::StatusOr<CodecChain> ParseCodecChain(absl::string_view text) {
  return ChainParser(text).Parse();
}

absl::StatusOr<CodecChain> ResolveCodecChain(const CodecChain& chain, size_t value_width) {
  CodecChain resolved = chain;
  for (CodecSpec& spec : resolved) {
    const CodecInfo* info = FindCodec(spec.id);
    if (info == nullptr) continue;  // CheckChain names it
    if (info->is_transform) {
      if (value_width == 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(CodecSpecToString(spec), ": needs fixed-width values, but the column's "
                                                  "values are variable-width"));
      }
      if (spec.param == 0) {
        if (value_width > 255 || !info->param_ok(static_cast<uint8_t>(value_width))) {
          return absl::InvalidArgumentError(absl::StrCat(
              info->name, ": the column's value width ", value_width, " does not fit: ",
              info->param_rule));
        }
        spec.param = static_cast<uint8_t>(value_width);
      }
    } else if (spec.id == CodecId::kZstd && spec.param == 0) {
      spec.param = 1;
    }
  }
  TALLY_RETURN_IF_ERROR(CheckChain(resolved, absl::StatusCode::kInvalidArgument, false));
  return resolved;
}

absl::Status ValidateStoredChain(const CodecChain& chain) {
  return CheckChain(chain, absl::StatusCode::kDataLoss, true);
}

absl::StatusOr<CodecChain> EncodeWithChain(const CodecChain& chain, absl::Span<const uint8_t> raw,
                                           std::string* out) {
  const CodecChain kStoreRaw = {CodecSpec{CodecId::kNone, 0}};
  if (!chain.empty()) {
    TALLY_RETURN_IF_ERROR(CheckChain(chain, absl::StatusCode::kInvalidArgument, false));
  }
  if (chain.empty() || chain == kStoreRaw) {
    out->assign(reinterpret_cast<const char*>(raw.data()), raw.size());
    return kStoreRaw;
  }
  // Stages alternate between *out and a scratch string so that the last lands in *out.
  thread_local std::string scratch;
  if (scratch.capacity() > kScratchKeepBytes) std::string().swap(scratch);
  absl::Span<const uint8_t> in = raw;
  for (size_t k = 0; k < chain.size(); ++k) {
    std::string* dst = (chain.size() - 1 - k) % 2 == 0 ? out : &scratch;
    FindCodec(chain[k].id)->encode(chain[k].param, in, dst);
    in = AsBytes(*dst);
  }
  // Compression that saves under 10 % is not worth decoding.
  if (out->size() * 10 >= raw.size() * 9) {
    out->assign(reinterpret_cast<const char*>(raw.data()), raw.size());
    return kStoreRaw;
  }
  return chain;
}

absl::Status DecodeWithChain(const CodecChain& chain, absl::Span<const uint8_t> stored,
                             size_t raw_size, absl::string_view what, PodVector<uint8_t>* out) {
  absl::Status valid = ValidateStoredChain(chain);
  if (!valid.ok()) return Prefixed(what, valid);
  absl::InlinedVector<size_t, 4> bounds = StageBounds(chain, raw_size);
  // Intermediate stages alternate between two per-thread buffers that keep their capacity.
  thread_local PodVector<uint8_t> scratch[2];
  for (PodVector<uint8_t>& buffer : scratch) {
    if (buffer.capacity() > kScratchKeepBytes) buffer = PodVector<uint8_t>();
  }
  absl::Span<const uint8_t> in = stored;
  for (size_t k = chain.size(); k-- > 0;) {
    PodVector<uint8_t>* dst = k == 0 ? out : &scratch[k % 2];
    DecodedSizeLimit limit{bounds[k], /*exact=*/k == 0};
    TALLY_RETURN_IF_ERROR(FindCodec(chain[k].id)->decode(chain[k], in, limit, what, dst));
    in = dst->span();
  }
  return absl::OkStatus();
}

}  // namespace tally::format
